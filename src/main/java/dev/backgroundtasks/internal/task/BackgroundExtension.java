package dev.backgroundtasks.internal.task;

import dev.backgroundtasks.Background;
import dev.backgroundtasks.TaskOptions;
import dev.backgroundtasks.internal.config.ConfigReader;
import dev.backgroundtasks.internal.config.Limits;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.DefinitionException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.ProcessManagedBean;
import jakarta.enterprise.inject.spi.WithAnnotations;
import jakarta.interceptor.Interceptor;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds every {@link Background} method when the application deploys and refuses the deployment
 * when one of them cannot work: bad settings, a duplicate name, or a method the container cannot
 * intercept. Each message names the method and the setting.
 */
public class BackgroundExtension implements Extension {

    private final Map<Class<?>, List<BackgroundMethod>> byClass = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private volatile List<BackgroundMethod> methods = List.of();

    <T> void find(@Observes @WithAnnotations(Background.class) ProcessAnnotatedType<T> event) {
        AnnotatedType<T> type = event.getAnnotatedType();
        Class<T> javaClass = type.getJavaClass();
        if (type.isAnnotationPresent(Interceptor.class)) {
            return;
        }
        if (type.isAnnotationPresent(Background.class)) {
            problems.add("@Background on class " + javaClass.getName()
                    + ": put it on the methods that should run in the background, not on the class");
        }
        List<BackgroundMethod> found = new ArrayList<>();
        for (AnnotatedMethod<? super T> annotated : type.getMethods()) {
            Background background = annotated.getAnnotation(Background.class);
            if (background == null) {
                continue;
            }
            Method method = annotated.getJavaMember();
            String name = background.name().isBlank()
                    ? javaClass.getSimpleName() + "." + method.getName()
                    : background.name().strip();
            List<String> errors = check(javaClass, method, name, background);
            errors.forEach(e -> problems.add("@Background " + BackgroundMethod.describe(method) + ": " + e));
            if (errors.isEmpty()) {
                found.add(new BackgroundMethod(name, javaClass, method, background, null));
            }
        }
        if (!found.isEmpty()) {
            byClass.put(javaClass, found);
        }
    }

    <T> void bind(@Observes ProcessManagedBean<T> event) {
        Class<?> javaClass = event.getAnnotatedBeanClass().getJavaClass();
        List<BackgroundMethod> found = byClass.get(javaClass);
        if (found != null) {
            found.replaceAll(m -> m.withBean(event.getBean()));
        }
    }

    void validate(@Observes AfterBeanDiscovery event) {
        Map<String, BackgroundMethod> names = new LinkedHashMap<>();
        List<BackgroundMethod> all = new ArrayList<>();
        // Discovery order differs between servers and runs; sorting keeps every message the same.
        List<BackgroundMethod> discovered = byClass.values().stream().flatMap(List::stream)
                .sorted(Comparator.comparing(BackgroundMethod::describe)).toList();
        for (BackgroundMethod m : discovered) {
            if (m.bean() == null) {
                problems.add("@Background " + m.describe() + ": " + m.beanClass().getName()
                        + " is not a CDI bean; give it a bean-defining annotation such as @ApplicationScoped");
                continue;
            }
            BackgroundMethod other = names.putIfAbsent(m.name(), m);
            if (other != null) {
                problems.add("@Background " + m.describe() + ": name '" + m.name() + "' is already used by "
                        + other.describe() + "; give one of them another name");
                continue;
            }
            all.add(m);
        }
        problems.forEach(p -> event.addDefinitionError(new DefinitionException(p)));
        methods = Collections.unmodifiableList(all);
    }

    /** Every valid {@link Background} method of the deployment. */
    public List<BackgroundMethod> methods() {
        return methods;
    }

    /** The settings and shape checks that do not need configuration; each error names its setting. */
    static List<String> check(Class<?> beanClass, Method method, String name, Background background) {
        List<String> errors = new ArrayList<>();
        int modifiers = method.getModifiers();
        if (Modifier.isPrivate(modifiers) || Modifier.isStatic(modifiers) || Modifier.isFinal(modifiers)) {
            errors.add("the container cannot intercept a private, static or final method; make it a non-final instance method");
        }
        if (Modifier.isFinal(beanClass.getModifiers())) {
            errors.add("the container cannot intercept the methods of final class " + beanClass.getName());
        }
        if (name.length() > 255 || name.chars().anyMatch(Character::isISOControl)) {
            errors.add("name '" + name + "' must be at most 255 printable characters");
        }
        if (!background.queue().isEmpty()) {
            collect(errors, () -> Limits.checkQueue("queue", background.queue()));
        }
        if (background.priority() != BackgroundMethod.UNSET_PRIORITY) {
            collect(errors, () -> Limits.checkPriority("priority", background.priority()));
        }
        if (!background.delay().isEmpty()) {
            collect(errors, () -> {
                Duration delay = duration("delay", background.delay());
                if (delay.isNegative()) {
                    throw new IllegalArgumentException("delay must not be negative, got " + background.delay());
                }
                if (delay.compareTo(TaskOptions.MAX_DELAY) > 0) {
                    throw new IllegalArgumentException("delay must be at most " + TaskOptions.MAX_DELAY + ", got "
                            + background.delay());
                }
            });
        }
        if (!background.timeout().isEmpty()) {
            collect(errors, () -> {
                Duration timeout = duration("timeout", background.timeout());
                if (timeout.isNegative() || timeout.isZero()) {
                    throw new IllegalArgumentException("timeout must be positive, got " + background.timeout());
                }
                if (timeout.compareTo(TaskOptions.MAX_TIMEOUT) > 0) {
                    throw new IllegalArgumentException("timeout must be at most " + TaskOptions.MAX_TIMEOUT + ", got "
                            + background.timeout());
                }
            });
        }
        if (background.maxAttempts() < 0) {
            errors.add("maxAttempts must be at least 1 (or 0 for the configured default), got " + background.maxAttempts());
        }
        if (background.maxAttempts() > TaskOptions.MAX_ATTEMPTS) {
            errors.add("maxAttempts must be at most " + TaskOptions.MAX_ATTEMPTS + ", got " + background.maxAttempts());
        }
        if (background.maxRunning() < 0) {
            errors.add("maxRunning must be at least 1 (or 0 for no cap), got " + background.maxRunning());
        }
        if (!background.cron().isBlank()) {
            collect(errors, () -> Schedule.Cron.of(background.cron(), background.zone()));
            if (method.getParameterCount() > 0) {
                errors.add("a cron task runs with no arguments; remove the parameters of the method or the cron");
            }
        } else if (!background.zone().isBlank()) {
            errors.add("zone '" + background.zone() + "' is set without a cron schedule");
        }
        return errors;
    }

    /** Parses an annotation duration; the error names the setting. */
    static Duration duration(String setting, String text) {
        try {
            return ConfigReader.parseDuration(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " " + e.getMessage());
        }
    }

    private static void collect(List<String> errors, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
    }
}
