package dev.backgroundtasks.it;

/** An argument JSON-B can write but not read back: no no-argument constructor, no setter. */
public class Opaque {

    private final String secret;

    public Opaque(String secret) {
        this.secret = secret;
    }

    public String getSecret() {
        return secret;
    }
}
