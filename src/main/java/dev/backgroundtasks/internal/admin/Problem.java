package dev.backgroundtasks.internal.admin;

import jakarta.json.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * What the admin API answers when a request fails: an RFC 9457 problem ({@code status},
 * {@code title}, and a {@code detail} saying what was wrong with this request).
 */
public final class Problem {

    private Problem() {
    }

    public static final MediaType TYPE = new MediaType("application", "problem+json");

    /** The response carrying a problem with {@code status} and {@code detail}. */
    public static Response response(Response.StatusType status, String detail) {
        // Written here rather than by a JSON-B provider, which not every server binds to this media type.
        String body = Json.createObjectBuilder()
                .add("status", status.getStatusCode())
                .add("title", status.getReasonPhrase())
                .add("detail", detail == null ? "" : detail)
                .build().toString();
        return Response.status(status.getStatusCode()).type(TYPE).entity(body).build();
    }

    public static Response response(int status, String detail) {
        Response.StatusType type = Response.Status.fromStatusCode(status);
        if (type == null) {
            type = new Response.StatusType() {
                @Override
                public int getStatusCode() {
                    return status;
                }

                @Override
                public Response.Status.Family getFamily() {
                    return Response.Status.Family.familyOf(status);
                }

                @Override
                public String getReasonPhrase() {
                    return "Error";
                }
            };
        }
        return response(type, detail);
    }
}
