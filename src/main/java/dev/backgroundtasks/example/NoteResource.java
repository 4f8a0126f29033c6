package dev.backgroundtasks.example;

import dev.backgroundtasks.TaskId;
import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.TaskQueue;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.Map;

/** Stores notes and has them summarised in the background. */
@Path("notes")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class NoteResource {

    @PersistenceContext(unitName = "example")
    EntityManager em;

    @Inject
    NoteTasks noteTasks;

    @Inject
    TaskQueue tasks;

    /** The note and its summary task are stored in one transaction: both or neither. */
    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    @Transactional
    public Response create(String text) {
        if (text == null || text.isBlank()) {
            return error(Response.Status.BAD_REQUEST, "A note needs some text");
        }
        if (text.length() > 4000) {
            return error(Response.Status.BAD_REQUEST, "A note holds at most 4000 characters");
        }
        Note note = new Note();
        note.setText(text);
        em.persist(note);
        noteTasks.summarize(note.getId());
        return Response.created(URI.create("notes/" + note.getId())).entity(note).build();
    }

    @GET
    @Path("{id}")
    public Response get(@PathParam("id") long id) {
        Note note = em.find(Note.class, id);
        return note == null ? error(Response.Status.NOT_FOUND, "No note " + id) : Response.ok(note).build();
    }

    /** Summarises a note again, ahead of other work, and answers with the task's id to follow it. */
    @POST
    @Path("{id}/summaries")
    @Transactional
    public Response resummarize(@PathParam("id") long id) {
        if (em.find(Note.class, id) == null) {
            return error(Response.Status.NOT_FOUND, "No note " + id);
        }
        TaskId task = tasks.enqueue(NoteTasks.SUMMARIZE, TaskOptions.defaults().priority(10), id);
        return Response.accepted(Map.of("taskId", task.value()))
                .location(URI.create("tasks/" + task.value()))
                .build();
    }

    static Response error(Response.Status status, String message) {
        return Response.status(status).entity(Map.of("error", message)).type(MediaType.APPLICATION_JSON).build();
    }
}
