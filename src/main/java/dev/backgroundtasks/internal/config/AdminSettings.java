package dev.backgroundtasks.internal.config;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The admin API and console ({@code background-tasks.admin.*}).
 *
 * @param enabled whether the library serves them; when off, both answer 404 to everyone
 */
public record AdminSettings(boolean enabled) {

    /** Reads and checks the admin properties. */
    public static AdminSettings read(ConfigReader config) {
        return new AdminSettings(config.bool("admin.enabled", true));
    }

    /** The settings of the calling application, for the web parts that are not CDI beans. */
    public static AdminSettings current() {
        return read(ConfigReader.of(ConfigProvider.getConfig()));
    }
}
