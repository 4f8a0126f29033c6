package dev.backgroundtasks.internal.admin;

import jakarta.ws.rs.NameBinding;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the admin API's resources, binding {@link AdminGuard} to them wherever they are mounted:
 * under the library's own {@link AdminApi}, and under an application's {@code Application} that
 * mounts every resource it finds.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface AdminEndpoint {
}
