package io.modeldeploy.operator.resources;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;

/**
 * The API server stores a quantity in its canonical form ("6144Mi" becomes "6Gi", "0.5" CPU becomes "500m"), so an
 * applied Deployment whose quantities are written otherwise never matches the stored one, and every reconcile would
 * apply it again (a write each time, for nothing). Before comparing, the desired Deployment takes the stored form
 * of each quantity whose amount did not change: the pod template's emptyDir size limits and its containers'
 * resource requests and limits. The revision hash is computed from the spec as written, so it does not change.
 */
public final class StoredQuantities {
    private StoredQuantities() {
    }

    /** A copy of {@code desired} with every quantity that {@code stored} holds at the same amount written as stored. */
    public static Deployment asStored(Deployment desired, Deployment stored) {
        PodSpec storedPod = Optional.ofNullable(stored.getSpec()).map(s -> s.getTemplate())
                .map(t -> t.getSpec()).orElse(null);
        if (storedPod == null || desired.getSpec() == null || desired.getSpec().getTemplate() == null
                || desired.getSpec().getTemplate().getSpec() == null) {
            return desired;
        }
        Deployment copy = new DeploymentBuilder(desired).build();
        PodSpec pod = copy.getSpec().getTemplate().getSpec();
        Map<String, Volume> storedVolumes = byName(storedPod.getVolumes(), Volume::getName);
        for (Volume volume : orEmpty(pod.getVolumes())) {
            Volume was = storedVolumes.get(volume.getName());
            if (volume.getEmptyDir() != null && was != null && was.getEmptyDir() != null) {
                volume.getEmptyDir().setSizeLimit(same(volume.getEmptyDir().getSizeLimit(),
                        was.getEmptyDir().getSizeLimit()));
            }
        }
        alignContainers(pod.getInitContainers(), storedPod.getInitContainers());
        alignContainers(pod.getContainers(), storedPod.getContainers());
        return copy;
    }

    private static void alignContainers(List<Container> containers, List<Container> stored) {
        Map<String, Container> was = byName(stored, Container::getName);
        for (Container container : orEmpty(containers)) {
            Container before = was.get(container.getName());
            if (container.getResources() != null && before != null && before.getResources() != null) {
                ResourceRequirements resources = container.getResources();
                resources.setRequests(align(resources.getRequests(), before.getResources().getRequests()));
                resources.setLimits(align(resources.getLimits(), before.getResources().getLimits()));
            }
        }
    }

    private static Map<String, Quantity> align(Map<String, Quantity> desired, Map<String, Quantity> stored) {
        if (desired == null || stored == null) {
            return desired;
        }
        var aligned = new HashMap<String, Quantity>(desired);
        aligned.replaceAll((name, quantity) -> same(quantity, stored.get(name)));
        return aligned;
    }

    /** The stored quantity when it is the desired amount, else the desired one. */
    static Quantity same(Quantity desired, Quantity stored) {
        if (desired == null || stored == null) {
            return desired;
        }
        try {
            return desired.getNumericalAmount().compareTo(stored.getNumericalAmount()) == 0 ? stored : desired;
        } catch (ArithmeticException | IllegalArgumentException e) {
            return desired;
        }
    }

    private static <T> Map<String, T> byName(List<T> items, java.util.function.Function<T, String> name) {
        var map = new HashMap<String, T>();
        orEmpty(items).forEach(item -> map.put(name.apply(item), item));
        return map;
    }

    private static <T> List<T> orEmpty(List<T> items) {
        return items == null ? List.of() : items;
    }
}
