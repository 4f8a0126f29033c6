package dev.backgroundtasks.internal.task;

import dev.backgroundtasks.Background;
import jakarta.enterprise.inject.spi.Bean;

import java.lang.reflect.Method;

/**
 * A {@link Background} method as found at deployment, before configuration is applied.
 *
 * @param name       the task name
 * @param beanClass  the class whose bean declares it
 * @param method     the method
 * @param annotation its settings
 * @param bean       the CDI bean that runs it, once the container has discovered the bean
 */
public record BackgroundMethod(String name, Class<?> beanClass, Method method, Background annotation, Bean<?> bean) {

    /** {@link Background#priority()}'s default: the priority is left to configuration. */
    public static final int UNSET_PRIORITY = Integer.MIN_VALUE;

    /** The same method, bound to the bean the container created for it. */
    BackgroundMethod withBean(Bean<?> value) {
        return new BackgroundMethod(name, beanClass, method, annotation, value);
    }

    /** How messages name the method: {@code com.example.Mailer.sendWelcome(long, String)}. */
    public String describe() {
        return describe(method);
    }

    public static String describe(Method method) {
        StringBuilder text = new StringBuilder(method.getDeclaringClass().getName())
                .append('.').append(method.getName()).append('(');
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            text.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        return text.append(')').toString();
    }
}
