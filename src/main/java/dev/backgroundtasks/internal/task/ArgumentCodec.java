package dev.backgroundtasks.internal.task;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns a call's arguments into the JSON array stored in {@code params}, and back into the
 * method's declared parameter types (generics included) when the task runs.
 *
 * <p>An argument is accepted only if it reads back as what was written: anything JSON-B would
 * store lossily or could not read again is refused at the call, naming the parameter, so a task
 * never fails later because of how it was stored.
 */
@ApplicationScoped
public class ArgumentCodec {

    /** Types whose JSON-B form always reads back equal; they skip the round-trip check. */
    private static final Set<Class<?>> EXACT = Set.of(String.class, Boolean.class, Byte.class, Short.class,
            Integer.class, Long.class, BigInteger.class, BigDecimal.class, UUID.class, Instant.class,
            LocalDate.class, LocalDateTime.class, LocalTime.class, Duration.class);

    private static final Map<Class<?>, Class<?>> BOXES = Map.of(boolean.class, Boolean.class, byte.class, Byte.class,
            short.class, Short.class, char.class, Character.class, int.class, Integer.class, long.class, Long.class,
            float.class, Float.class, double.class, Double.class, void.class, Void.class);

    private volatile Jsonb jsonb;
    /**
     * Kept, not looked up per call: {@code Json.createReader} finds its provider through the
     * service loader every time, which on an application server scans class loaders.
     */
    private volatile JsonReaderFactory readers;

    private Jsonb jsonb() {
        Jsonb current = jsonb;
        if (current == null) {
            synchronized (this) {
                if (jsonb == null) {
                    jsonb = JsonbBuilder.create();
                    readers = Json.createReaderFactory(Map.of());
                }
                current = jsonb;
            }
        }
        return current;
    }

    @PreDestroy
    synchronized void close() {
        if (jsonb != null) {
            try {
                jsonb.close();
            } catch (Exception ignored) {
                // Nothing is left to release once the application stops.
            }
            jsonb = null;
        }
    }

    /**
     * Encodes a call's arguments for {@code method}.
     *
     * @throws IllegalArgumentException naming the parameter, when an argument has the wrong type,
     *                                  is null for a primitive, or does not survive the round trip
     */
    public String encode(String taskName, Method method, Object[] args) {
        Object[] values = args == null ? new Object[0] : args;
        Parameter[] parameters = method.getParameters();
        Type[] types = method.getGenericParameterTypes();
        if (values.length != parameters.length) {
            throw new IllegalArgumentException("Task '" + taskName + "' takes " + parameters.length
                    + " argument(s) " + signature(parameters) + ", got " + values.length);
        }
        StringBuilder json = new StringBuilder(16 * values.length + 2).append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(encodeArgument(taskName, parameters[i], i, types[i], values[i]));
        }
        return json.append(']').toString();
    }

    private String encodeArgument(String taskName, Parameter parameter, int index, Type type, Object value) {
        Class<?> raw = box(parameter.getType());
        if (value == null) {
            if (parameter.getType().isPrimitive()) {
                throw badArgument(taskName, parameter, index, "is null, but the parameter is a primitive", null);
            }
            return "null";
        }
        if (!raw.isInstance(value)) {
            throw badArgument(taskName, parameter, index,
                    "is a " + value.getClass().getName() + ", not a " + parameter.getType().getName(), null);
        }
        String written;
        try {
            written = jsonb().toJson(value, boxType(type));
        } catch (RuntimeException e) {
            throw badArgument(taskName, parameter, index, "cannot be written as JSON: " + e.getMessage(), e);
        }
        if (EXACT.contains(value.getClass()) || value.getClass().isEnum()) {
            return written;
        }
        String reread;
        try {
            reread = jsonb().toJson(jsonb().fromJson(written, boxType(type)), boxType(type));
        } catch (RuntimeException e) {
            throw badArgument(taskName, parameter, index,
                    "is written as " + abbreviate(written) + " but cannot be read back: " + e.getMessage(), e);
        }
        if (!parse(written).equals(parse(reread))) {
            throw badArgument(taskName, parameter, index, "does not survive JSON: written as " + abbreviate(written)
                    + ", read back as " + abbreviate(reread)
                    + " (give it a public no-argument constructor and setters, or make it a record)", null);
        }
        return written;
    }

    /**
     * Decodes stored params into arguments for {@code method}.
     *
     * @throws IllegalArgumentException when the params are not a JSON array of the right length or a
     *                                  value does not read as its parameter's type
     */
    public Object[] decode(String params, Method method) {
        JsonValue parsed;
        try {
            parsed = parse(params);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("params are not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof JsonArray array)) {
            throw new IllegalArgumentException("params must be a JSON array, got " + abbreviate(params));
        }
        Parameter[] parameters = method.getParameters();
        Type[] types = method.getGenericParameterTypes();
        if (array.size() != parameters.length) {
            throw new IllegalArgumentException("params hold " + array.size() + " value(s) but "
                    + BackgroundMethod.describe(method) + " takes " + parameters.length);
        }
        Object[] args = new Object[parameters.length];
        for (int i = 0; i < args.length; i++) {
            JsonValue value = array.get(i);
            if (value.getValueType() == JsonValue.ValueType.NULL) {
                if (parameters[i].getType().isPrimitive()) {
                    throw new IllegalArgumentException("params hold null for primitive parameter " + describe(parameters[i], i));
                }
                continue;
            }
            try {
                args[i] = jsonb().fromJson(value.toString(), boxType(types[i]));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("params value " + abbreviate(value.toString()) + " does not read as "
                        + describe(parameters[i], i) + ": " + e.getMessage(), e);
            }
        }
        return args;
    }

    /** A return value as JSON, or null for void methods and null results. */
    public String encodeResult(Object result, Type type) {
        if (result == null || type == void.class) {
            return null;
        }
        return jsonb().toJson(result, boxType(type));
    }

    /** A stored result read back as {@code type}; the error says what did not fit. */
    public <T> T decodeResult(String json, Class<T> type) {
        try {
            return jsonb().fromJson(json, type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The stored result " + abbreviate(json) + " does not read as "
                    + type.getName() + ": " + e.getMessage(), e);
        }
    }

    private JsonValue parse(String json) {
        jsonb();
        try (JsonReader reader = readers.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }

    private static IllegalArgumentException badArgument(String taskName, Parameter parameter, int index, String why,
                                                        Throwable cause) {
        return new IllegalArgumentException("Task '" + taskName + "': argument " + describe(parameter, index) + " " + why,
                cause);
    }

    private static String describe(Parameter parameter, int index) {
        return "'" + parameter.getName() + "' (#" + (index + 1) + ", " + parameter.getParameterizedType().getTypeName() + ")";
    }

    private static String signature(Parameter[] parameters) {
        StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < parameters.length; i++) {
            text.append(i == 0 ? "" : ", ").append(parameters[i].getParameterizedType().getTypeName())
                    .append(' ').append(parameters[i].getName());
        }
        return text.append(')').toString();
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    static Class<?> box(Class<?> type) {
        return type.isPrimitive() ? BOXES.get(type) : type;
    }

    private static Type boxType(Type type) {
        return type instanceof Class<?> c ? box(c) : type;
    }
}
