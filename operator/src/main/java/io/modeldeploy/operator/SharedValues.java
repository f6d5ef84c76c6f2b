package io.modeldeploy.operator;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.KubernetesResource;

/**
 * The values that the objects in the operator's caches hold equal, held once. Two kinds are shared throughout an
 * object the operator only reads:
 * <ul>
 * <li>Strings. Each object comes from its own JSON, so each of its strings is its own copy, although most repeat in
 * every object of its kind: the namespace, label keys and values, image, environment names, port names, probe paths,
 * condition types, reasons and messages, timestamps to the second. At 1,000 ModelDeployments they were 42% of the
 * operator's live heap, and one copy of each value would save 78% of them (a heap dump of {@code hack/bench-operator},
 * docs/benchmarks.md). They are replaced by their {@linkplain String#intern() canonical instance}: the JVM's string
 * table holds its entries weakly, so a value no cached object holds any more is collected, and an entry costs less
 * than a copy of the string, so even the values only one object holds (uids, resource versions) cost little.
 * <li>Empty lists and maps. Every Fabric8 model object has its own map of the fields the model does not know ({@code
 * additionalProperties}), nearly always empty, and its own list or map for each of its list and map fields, most of
 * them empty too: a cached Deployment holds about sixty such maps and thirty such lists, each an empty {@code
 * LinkedHashMap} or {@code ArrayList} (and, once serialized, its entry-set view). An immutable empty one takes their
 * place; they serialize as before, since Fabric8's model leaves empty lists and maps out.
 * </ul>
 * Such an object must not be written to afterwards, and cached objects are never written to: the operator builds
 * what it applies anew, and a builder made from a cached object copies its lists and maps.
 */
final class SharedValues {
    private static final Map<Object, Object> NO_ENTRIES = Map.of();
    private static final List<Object> NO_ITEMS = List.of();
    private static final Map<Class<?>, List<MethodHandle>> COMPONENTS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, List<Property>> PROPERTIES = new ConcurrentHashMap<>();
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.publicLookup();

    private SharedValues() {
    }

    /** Shares the strings and the empty lists and maps of {@code object} and of every model object it holds. */
    static <T> T share(T object) {
        visit(object);
        return object;
    }

    private static Object visit(Object node) {
        if (node instanceof String text) {
            return text.intern();
        }
        if (node != null && model(node.getClass())) {
            try {
                for (Property property : PROPERTIES.computeIfAbsent(node.getClass(), SharedValues::properties)) {
                    Object value = property.get().invoke(node);
                    Object shared = value instanceof ArrayList<?> list && list.isEmpty() ? NO_ITEMS
                            : value instanceof HashMap<?, ?> map && map.isEmpty() ? NO_ENTRIES
                            : property.extensions() ? value
                            : visit(value);
                    if (shared != value && property.set() != null) {
                        property.set().invoke(node, shared);
                    }
                }
            } catch (Throwable e) {
                throw new IllegalStateException("could not share the values of a " + node.getClass().getSimpleName(),
                        e);
            }
        } else if (node instanceof Record record) {
            visitComponents(record);
        } else if (node instanceof List<?> items) {
            visitItems(items);
        } else if (node instanceof Collection<?> items) {
            items.forEach(SharedValues::visit);
        } else if (node instanceof HashMap<?, ?> map) {
            visitEntries(map);
        } else if (node instanceof Map<?, ?> map) {
            map.values().forEach(SharedValues::visit);
        }
        return node;
    }

    /**
     * A record's components (the ModelDeployment's spec and status), read only: its strings stay its own, the model
     * objects and collections it holds (status conditions) are shared.
     */
    private static void visitComponents(Record record) {
        for (MethodHandle component : COMPONENTS.computeIfAbsent(record.getClass(), SharedValues::components)) {
            try {
                visit(component.invoke(record));
            } catch (Throwable e) {
                throw new IllegalStateException("could not share the values of a "
                        + record.getClass().getSimpleName(), e);
            }
        }
    }

    private static List<MethodHandle> components(Class<?> type) {
        var accessors = new ArrayList<MethodHandle>();
        for (RecordComponent component : type.getRecordComponents()) {
            Class<?> kind = component.getType();
            if (Record.class.isAssignableFrom(kind) || model(kind) || Collection.class.isAssignableFrom(kind)
                    || Map.class.isAssignableFrom(kind)) {
                try {
                    accessors.add(LOOKUP.unreflect(component.getAccessor()));
                } catch (IllegalAccessException e) {
                    // Not a public record: nothing of it is shared.
                }
            }
        }
        return List.copyOf(accessors);
    }

    @SuppressWarnings("unchecked")
    private static void visitItems(List<?> items) {
        try {
            ((List<Object>) items).replaceAll(SharedValues::visit);
        } catch (UnsupportedOperationException immutable) {
            items.forEach(SharedValues::visit);
        }
    }

    /**
     * A map's keys and values. Its values are replaced in place; a key cannot be, so a map with a key that is not
     * yet the canonical one is put anew, in its order (the first time it is seen: labels, selectors, annotations).
     */
    @SuppressWarnings("unchecked")
    private static void visitEntries(HashMap<?, ?> map) {
        var writable = (HashMap<Object, Object>) map;
        if (map.keySet().stream().allMatch(key -> visit(key) == key)) {
            writable.replaceAll((key, value) -> visit(value));
            return;
        }
        var entries = new ArrayList<Object>(2 * map.size());
        map.forEach((key, value) -> {
            entries.add(visit(key));
            entries.add(visit(value));
        });
        writable.clear();
        for (int i = 0; i < entries.size(); i += 2) {
            writable.put(entries.get(i), entries.get(i + 1));
        }
    }

    /** Fabric8's model classes: the resources and the types they are made of (quantities, int-or-strings). */
    private static boolean model(Class<?> type) {
        return KubernetesResource.class.isAssignableFrom(type)
                || type.getName().startsWith("io.fabric8.kubernetes.api.model.");
    }

    /**
     * A property that may hold strings, model objects, lists or maps; {@code set} is null where the model has no
     * setter. The extension map ({@code additionalProperties}) is only replaced when empty: what it holds when it is
     * not (a managed-fields entry's field set) is {@link CachedForms}' to share.
     */
    private record Property(MethodHandle get, MethodHandle set, boolean extensions) {
    }

    private static List<Property> properties(Class<?> type) {
        var properties = new ArrayList<Property>();
        for (Method method : type.getMethods()) {
            Class<?> result = method.getReturnType();
            if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
                    || !method.getName().startsWith("get") || method.getDeclaringClass() == Object.class
                    || !(result == String.class || result == Object.class || model(result)
                            || Collection.class.isAssignableFrom(result) || Map.class.isAssignableFrom(result))) {
                continue;
            }
            try {
                properties.add(new Property(LOOKUP.unreflect(method), setter(type, method),
                        method.getName().equals("getAdditionalProperties")));
            } catch (IllegalAccessException e) {
                // Not a property this class exposes publicly: nothing of it is shared.
            }
        }
        return List.copyOf(properties);
    }

    private static MethodHandle setter(Class<?> type, Method getter) {
        try {
            return LOOKUP.findVirtual(type, "set" + getter.getName().substring(3),
                    MethodType.methodType(void.class, getter.getReturnType()));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
