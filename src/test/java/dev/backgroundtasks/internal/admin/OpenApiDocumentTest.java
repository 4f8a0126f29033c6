package dev.backgroundtasks.internal.admin;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The OpenAPI document the library serves names exactly the admin API's operations. */
class OpenApiDocumentTest {

    @Test
    void theDocumentNamesEveryOperationOfTheResourcesAndNoOther() throws Exception {
        Set<String> inCode = new TreeSet<>();
        for (Class<?> resource : List.of(QueuesResource.class, TasksResource.class, NodesResource.class, OpenApiResource.class)) {
            String root = resource.getAnnotation(Path.class).value().replaceFirst("^admin", "");
            for (Method method : resource.getDeclaredMethods()) {
                String verb = method.isAnnotationPresent(GET.class) ? "get" : method.isAnnotationPresent(POST.class) ? "post" : null;
                if (verb == null) {
                    continue;
                }
                Path sub = method.getAnnotation(Path.class);
                String path = root + (sub == null ? "" : "/" + sub.value());
                inCode.add(verb + " " + path.replaceAll("\\{(\\w+):[^}]*}", "{$1}"));
            }
        }
        Set<String> documented = new TreeSet<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(OpenApiResource.DOCUMENT)) {
            assertNotNull(in, OpenApiResource.DOCUMENT);
            try (JsonReader reader = Json.createReader(in)) {
                JsonObject paths = reader.readObject().getJsonObject("paths");
                paths.forEach((path, operations) -> operations.asJsonObject().keySet()
                        .forEach(verb -> documented.add(verb + " " + path)));
            }
        }
        assertEquals(inCode, documented);
    }
}
