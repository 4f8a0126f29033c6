package dev.backgroundtasks.internal.task;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.internal.config.ConfigReader;
import dev.backgroundtasks.internal.config.Settings;
import dev.backgroundtasks.internal.config.TaskDefaults;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every task of the application by name and by method, with its settings resolved: the
 * configured defaults, then the annotation, then {@code background-tasks.tasks.<name>.*}.
 */
@ApplicationScoped
public class TaskRegistry {

    @Inject
    BackgroundExtension extension;

    @Inject
    Settings settings;

    private Map<String, TaskDefinition> byName;
    private Map<Method, TaskDefinition> byMethod;

    @PostConstruct
    void build() {
        ConfigReader config = settings.reader();
        TaskDefaults defaults = settings.taskDefaults();
        Map<String, TaskDefinition> names = new LinkedHashMap<>();
        Map<Method, TaskDefinition> methods = new HashMap<>();
        for (BackgroundMethod found : extension.methods()) {
            TaskDefaults resolved = fromAnnotation(defaults, found.annotation()).overriddenFor(config, found.name());
            Background annotation = found.annotation();
            Schedule.Cron cron = annotation.cron().isBlank() ? null : Schedule.Cron.of(annotation.cron(), annotation.zone());
            TaskDefinition definition = new TaskDefinition(found.name(), found.method(), found.bean(), resolved,
                    List.of(annotation.noRetryFor()), cron);
            names.put(definition.name(), definition);
            methods.put(found.method(), definition);
        }
        byName = names;
        byMethod = methods;
    }

    public Optional<TaskDefinition> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The task of a method an interceptor was invoked for, matching overrides by signature. */
    /** The schedule, as stored, of the cron task named {@code name} in this deployment; null when it has none. */
    public String declaredSchedule(String name) {
        return byName(name).filter(t -> t.cron() != null).map(t -> t.cron().text()).orElse(null);
    }

    public Optional<TaskDefinition> byMethod(Method method) {
        TaskDefinition exact = byMethod.get(method);
        if (exact != null) {
            return Optional.of(exact);
        }
        return byMethod.values().stream()
                .filter(d -> d.isMethod(method) && d.method().getDeclaringClass().isAssignableFrom(method.getDeclaringClass()))
                .findFirst();
    }

    public Collection<TaskDefinition> all() {
        return byName.values();
    }

    /** The tasks with a concurrency cap, and the cap. */
    public Map<String, Integer> caps() {
        Map<String, Integer> caps = new LinkedHashMap<>();
        byName.values().stream().filter(t -> t.cap() != null).forEach(t -> caps.put(t.name(), t.cap()));
        return caps;
    }

    /** The annotation's settings over the defaults; the extension has already checked them. */
    static TaskDefaults fromAnnotation(TaskDefaults defaults, Background annotation) {
        return new TaskDefaults(
                annotation.queue().isEmpty() ? defaults.queue() : annotation.queue(),
                annotation.priority() == BackgroundMethod.UNSET_PRIORITY ? defaults.priority() : annotation.priority(),
                annotation.delay().isEmpty() ? defaults.delay() : ConfigReader.parseDuration(annotation.delay()),
                annotation.timeout().isEmpty() ? defaults.timeout() : ConfigReader.parseDuration(annotation.timeout()),
                annotation.maxAttempts() == 0 ? defaults.maxAttempts() : annotation.maxAttempts(),
                annotation.maxRunning() == 0 ? defaults.maxRunning() : annotation.maxRunning());
    }
}
