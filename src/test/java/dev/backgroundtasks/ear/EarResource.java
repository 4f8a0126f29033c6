package dev.backgroundtasks.ear;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;

import javax.naming.InitialContext;

/** The EAR's web module: lets the test call the EJB module's bean over HTTP, by its portable name. */
@Path("ear")
@RequestScoped
public class EarResource {

    @ApplicationPath("api")
    public static class Api extends Application {
    }

    @POST
    public String enqueue(@QueryParam("key") String key) throws Exception {
        EarCaller caller = (EarCaller) new InitialContext().lookup("java:app/tasks-ejb/EarCaller");
        return Long.toString(caller.enqueue(key));
    }
}
