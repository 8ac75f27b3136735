package dev.kiln.function.runtime;

import dev.kiln.function.CloudFunction;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;

/** Finds the {@code I} and {@code O} a function class gives {@link CloudFunction}, through superclasses. */
final class TypeArguments {

    private TypeArguments() {
    }

    /** @return {input, output}; a type that cannot be resolved (a lambda, a raw type) is {@code Object} */
    static Type[] of(Class<?> functionClass) {
        Map<TypeVariable<?>, Type> bindings = new HashMap<>();
        for (Class<?> c = functionClass; c != null && c != Object.class; c = c.getSuperclass()) {
            Type[] found = search(c, bindings);
            if (found != null) {
                return found;
            }
            if (c.getGenericSuperclass() instanceof ParameterizedType p) {
                bind(p, bindings);
            }
        }
        return new Type[] {Object.class, Object.class};
    }

    private static Type[] search(Class<?> c, Map<TypeVariable<?>, Type> bindings) {
        for (Type t : c.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p) {
                if (p.getRawType() == CloudFunction.class) {
                    Type[] args = p.getActualTypeArguments();
                    return new Type[] {resolve(args[0], bindings), resolve(args[1], bindings)};
                }
                bind(p, bindings);
                Type[] found = search((Class<?>) p.getRawType(), bindings);
                if (found != null) {
                    return found;
                }
            } else if (t instanceof Class<?> i && CloudFunction.class.isAssignableFrom(i) && i != CloudFunction.class) {
                Type[] found = search(i, bindings);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static void bind(ParameterizedType p, Map<TypeVariable<?>, Type> bindings) {
        TypeVariable<?>[] vars = ((Class<?>) p.getRawType()).getTypeParameters();
        Type[] args = p.getActualTypeArguments();
        for (int i = 0; i < vars.length; i++) {
            bindings.put(vars[i], resolve(args[i], bindings));
        }
    }

    private static Type resolve(Type t, Map<TypeVariable<?>, Type> bindings) {
        return t instanceof TypeVariable<?> v ? bindings.getOrDefault(v, Object.class) : t;
    }
}
