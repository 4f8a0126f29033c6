package dev.backgroundtasks.internal.admin;

import dev.backgroundtasks.NoSuchTaskException;
import dev.backgroundtasks.TaskStateException;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns what the admin API's resources throw into problems: an unknown task is 404, an action the
 * task's state forbids 409, a bad parameter or body 400, anything unexpected 500 (logged). Only
 * the library's {@link AdminApi} registers it, so it never changes the application's own answers.
 */
public class AdminErrors implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(AdminErrors.class.getName());

    @Override
    public Response toResponse(Throwable error) {
        if (error instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            String detail = status == 404 ? "No such resource in the background-tasks admin API"
                    : status == 405 ? "This resource does not take this method"
                    : status == 415 ? "This resource takes a JSON body (Content-Type: application/json)"
                    : web.getMessage();
            return Problem.response(status, detail);
        }
        if (error instanceof NoSuchTaskException) {
            return Problem.response(Response.Status.NOT_FOUND, error.getMessage());
        }
        if (error instanceof TaskStateException) {
            return Problem.response(Response.Status.CONFLICT, error.getMessage());
        }
        if (error instanceof IllegalArgumentException) {
            return Problem.response(Response.Status.BAD_REQUEST, error.getMessage());
        }
        if (error instanceof JsonException || error instanceof JsonbException || error instanceof ProcessingException) {
            return Problem.response(Response.Status.BAD_REQUEST, "The body is not valid JSON: " + error.getMessage());
        }
        LOG.log(Level.WARNING, "The background-tasks admin API failed", error);
        return Problem.response(Response.Status.INTERNAL_SERVER_ERROR,
                "The request failed on the server (" + error.getClass().getSimpleName() + "); its log has the details");
    }
}
