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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
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
        // One waiting summary per note, however often this is called: a repeat call returns it.
        TaskId task = tasks.enqueue(NoteTasks.SUMMARIZE, TaskOptions.defaults().priority(10).dedupeKey("summary:" + id), id);
        return Response.accepted(Map.of("taskId", task.value()))
                .location(URI.create("tasks/" + task.value()))
                .build();
    }

    /**
     * Like {@link #resummarize}, without holding the request thread on the database: the call is
     * checked at once and stored on the managed executor, and the response is sent when it committed.
     */
    @POST
    @Path("{id}/summaries/async")
    public void resummarizeAsync(@PathParam("id") long id, @Suspended AsyncResponse response) {
        tasks.enqueueAsync(NoteTasks.SUMMARIZE, TaskOptions.defaults().priority(10), id)
                .whenComplete((task, error) -> response.resume(error != null
                        ? error(Response.Status.SERVICE_UNAVAILABLE, "The task could not be stored: " + error)
                        : Response.accepted(Map.of("taskId", task.value())).location(URI.create("tasks/" + task.value())).build()));
    }

    /**
     * Reminds about a note every {@code every} (ISO-8601, at least a minute), first after one
     * interval, until {@code until} if given; answers with the first run's task id.
     */
    @POST
    @Path("{id}/reminders")
    @Transactional
    public Response remind(@PathParam("id") long id, @QueryParam("every") String every, @QueryParam("until") String until) {
        if (em.find(Note.class, id) == null) {
            return error(Response.Status.NOT_FOUND, "No note " + id);
        }
        TaskOptions options;
        try {
            Duration interval = Duration.parse(every == null ? "" : every);
            if (interval.compareTo(Duration.ofMinutes(1)) < 0) {
                return error(Response.Status.BAD_REQUEST, "every must be at least PT1M, got " + every);
            }
            options = TaskOptions.in(interval).repeatEvery(interval);
            if (until != null) {
                options = options.repeatUntil(Instant.parse(until));
            }
        } catch (DateTimeException e) {
            return error(Response.Status.BAD_REQUEST, "every must be an ISO-8601 duration such as PT1H and until an "
                    + "instant such as 2030-01-01T00:00:00Z: " + e.getMessage());
        }
        TaskId task = tasks.enqueue(NoteTasks.REMIND, options, id);
        return Response.accepted(Map.of("taskId", task.value())).location(URI.create("tasks/" + task.value())).build();
    }

    /** Exports the note to the outside service in {@code pages} pages (1..1000, 1 by default); answers the task's id. */
    @POST
    @Path("{id}/exports")
    @Transactional
    public Response export(@PathParam("id") long id, @QueryParam("pages") Integer pages) {
        if (em.find(Note.class, id) == null) {
            return error(Response.Status.NOT_FOUND, "No note " + id);
        }
        int count = pages == null ? 1 : pages;
        if (count < 1 || count > 1000) {
            return error(Response.Status.BAD_REQUEST, "pages must be within 1..1000, got " + count);
        }
        TaskId task = tasks.enqueue(NoteExports.EXPORT, id, count);
        return Response.accepted(Map.of("taskId", task.value())).location(URI.create("tasks/" + task.value())).build();
    }

    static Response error(Response.Status status, String message) {
        return Response.status(status).entity(Map.of("error", message)).type(MediaType.APPLICATION_JSON).build();
    }
}
