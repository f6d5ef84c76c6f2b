package io.modeldeploy.operator;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.KubernetesResource;

/**
 * Every Fabric8 model object carries its own map of the fields the model does not know ({@code
 * additionalProperties}), nearly always empty: a cached Deployment holds about sixty of them, each an empty {@code
 * LinkedHashMap} (and, once serialized, its entry-set view). {@link #share} puts one immutable empty map in their
 * place throughout an object the operator only reads, so the caches hold one for all. Such an object must not be
 * given new unknown fields afterwards; cached objects are never written to.
 */
final class EmptyExtensions {
    private static final Map<String, Object> NONE = Map.of();
    private static final Map<Class<?>, Accessors> ACCESSORS = new ConcurrentHashMap<>();
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

    private EmptyExtensions() {
    }

    /** Shares the empty extension map of {@code object} and of every model object it holds; returns it. */
    static <T> T share(T object) {
        visit(object);
        return object;
    }

    private static void visit(Object node) {
        if (node instanceof KubernetesResource) {
            Accessors accessors = ACCESSORS.computeIfAbsent(node.getClass(), EmptyExtensions::accessors);
            try {
                if (accessors.extensions() != null) {
                    Object extensions = accessors.extensions().invoke(node);
                    if (extensions instanceof Map<?, ?> map && map.isEmpty() && map != NONE) {
                        accessors.setExtensions().invoke(node, NONE);
                    }
                }
                for (MethodHandle child : accessors.children()) {
                    visit(child.invoke(node));
                }
            } catch (Throwable e) {
                throw new IllegalStateException("could not share the empty extensions of a "
                        + node.getClass().getSimpleName(), e);
            }
        } else if (node instanceof Collection<?> items) {
            items.forEach(EmptyExtensions::visit);
        } else if (node instanceof Map<?, ?> map) {
            map.values().forEach(EmptyExtensions::visit);
        }
    }

    /**
     * A model class's extension map getter and setter, and the getters of the properties that may hold model
     * objects (neither primitives, strings, nor the extension map itself).
     */
    private record Accessors(MethodHandle extensions, MethodHandle setExtensions, List<MethodHandle> children) {
    }

    private static Accessors accessors(Class<?> type) {
        MethodHandle extensions = null;
        MethodHandle setExtensions = null;
        var children = new ArrayList<MethodHandle>();
        try {
            for (Method method : type.getMethods()) {
                if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
                        || !method.getName().startsWith("get") || method.getDeclaringClass() == Object.class) {
                    continue;
                }
                Class<?> result = method.getReturnType();
                if (method.getName().equals("getAdditionalProperties")) {
                    extensions = LOOKUP.unreflect(method);
                    setExtensions = LOOKUP.findVirtual(type, "setAdditionalProperties",
                            MethodType.methodType(void.class, Map.class));
                } else if (KubernetesResource.class.isAssignableFrom(result)
                        || Collection.class.isAssignableFrom(result) || Map.class.isAssignableFrom(result)) {
                    children.add(LOOKUP.unreflect(method));
                }
            }
        } catch (ReflectiveOperationException e) {
            return new Accessors(null, null, List.copyOf(children));
        }
        return new Accessors(extensions, setExtensions, List.copyOf(children));
    }
}
