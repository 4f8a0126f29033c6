package dev.backgroundtasks.example;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.authentication.mechanism.http.BasicAuthenticationMechanismDefinition;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * The example's demo sign-in for the background-tasks console and admin API: HTTP Basic against two
 * users whose names and passwords come from MicroProfile Config ({@code example.admin.*} may act,
 * {@code example.viewer.*} may look). An application puts its own login here; the library ships none.
 * A user whose password is unset cannot sign in.
 */
@BasicAuthenticationMechanismDefinition(realmName = "background-tasks example")
@ApplicationScoped
public class DemoLogin implements IdentityStore {

    static final String ADMIN_ROLE = "background-tasks-admin";
    static final String VIEWER_ROLE = "background-tasks-viewer";

    @Inject
    @ConfigProperty(name = "example.admin.user", defaultValue = "admin")
    String adminUser;

    @Inject
    @ConfigProperty(name = "example.admin.password")
    Optional<String> adminPassword;

    @Inject
    @ConfigProperty(name = "example.viewer.user", defaultValue = "viewer")
    String viewerUser;

    @Inject
    @ConfigProperty(name = "example.viewer.password")
    Optional<String> viewerPassword;

    public CredentialValidationResult validate(UsernamePasswordCredential credential) {
        String user = credential.getCaller();
        if (matches(credential, adminUser, adminPassword)) {
            return new CredentialValidationResult(user, Set.of(ADMIN_ROLE));
        }
        if (matches(credential, viewerUser, viewerPassword)) {
            return new CredentialValidationResult(user, Set.of(VIEWER_ROLE));
        }
        return CredentialValidationResult.INVALID_RESULT;
    }

    private static boolean matches(UsernamePasswordCredential credential, String user, Optional<String> password) {
        return password.filter(p -> !p.isEmpty()).isPresent() && user.equals(credential.getCaller())
                && MessageDigest.isEqual(password.get().getBytes(StandardCharsets.UTF_8),
                credential.getPasswordAsString().getBytes(StandardCharsets.UTF_8));
    }
}
