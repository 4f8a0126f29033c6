package dev.backgroundtasks.internal.config;

/**
 * Whether the library creates its tables ({@code background-tasks.schema.create}).
 *
 * @param create whether missing tables are created from the database's script at start-up; when
 *               false, start-up only checks that they exist
 */
public record SchemaSettings(boolean create) {

    public static final boolean CREATE_DEFAULT = true;

    /** Reads the schema property. */
    public static SchemaSettings read(ConfigReader config) {
        return new SchemaSettings(config.bool("schema.create", CREATE_DEFAULT));
    }
}
