package io.modeldeploy.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentSpec;
import io.modeldeploy.testing.RepositoryRoot;
import io.modeldeploy.testing.UnreadyMarker;

/**
 * The Argo CD health check shipped in docs/argocd/, run on status samples taken from the test cluster: a Ready
 * ModelDeployment is Healthy, a stalled one Degraded, one whose new generation is not yet observed Progressing.
 */
@RunningOperator
class ArgoCdHealthCheckIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void readyIsHealthyAndAnUnobservedGenerationIsProgressing(KubernetesClient client) {
        client.resource(modelDeployment("iris", null)).create();
        await().atMost(TIMEOUT).until(() -> "Healthy".equals(health(live(client, "iris")).get("status")));

        Map<String, String> healthy = health(live(client, "iris"));
        assertThat(healthy.get("message")).isEqualTo("2/2 replicas serve model iris version 1.0.0");

        ObjectNode newerSpec = (ObjectNode) live(client, "iris");
        ((ObjectNode) newerSpec.get("metadata")).put("generation", newerSpec.get("metadata").get("generation").asLong() + 1);
        assertThat(health(newerSpec)).containsEntry("status", "Progressing")
                .containsEntry("message", "waiting for the operator to observe generation "
                        + newerSpec.get("metadata").get("generation").asLong());
    }

    @Test
    void aStalledRolloutIsDegradedWithItsReason(KubernetesClient client) {
        client.resource(modelDeployment("sick", Map.of(UnreadyMarker.ANNOTATION, "true"))).create();

        Map<String, String> progressing = health(live(client, "sick"));
        assertThat(progressing.get("status")).isEqualTo("Progressing");

        await().atMost(TIMEOUT).until(() -> "Degraded".equals(health(live(client, "sick")).get("status")));
        assertThat(health(live(client, "sick")).get("message"))
                .startsWith("ProgressDeadlineExceeded: Deployment sick did not become ready within 5s");
    }

    private static ModelDeployment modelDeployment(String name, Map<String, String> podAnnotations) {
        ModelDeployment md;
        try (var in = Files.newInputStream(RepositoryRoot.find().resolve("examples/iris.yaml"))) {
            md = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(in, ModelDeployment.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        md.getMetadata().setName(name);
        var spec = md.getSpec();
        md.setSpec(new ModelDeploymentSpec(spec.model(), spec.runtime(), 2, null, spec.probes(), null, null,
                podAnnotations, podAnnotations == null ? null : 5, null));
        return md;
    }

    private static JsonNode live(KubernetesClient client, String name) {
        return client.getKubernetesSerialization().convertValue(
                client.resources(ModelDeployment.class).withName(name).get(), JsonNode.class);
    }

    /** Runs the shipped Lua with {@code obj} bound to the object, as Argo CD does, and returns {@code hs}. */
    static Map<String, String> health(JsonNode object) {
        try {
            String script = Files.readString(RepositoryRoot.find().resolve("docs/argocd/modeldeploy-health.lua"));
            Globals globals = JsePlatform.standardGlobals();
            globals.set("obj", lua(object));
            LuaValue hs = globals.load(script, "modeldeploy-health.lua").call();
            return Map.of("status", hs.get("status").tojstring(), "message", hs.get("message").tojstring());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LuaValue lua(JsonNode node) {
        if (node == null || node.isNull()) {
            return LuaValue.NIL;
        }
        if (node.isObject()) {
            LuaTable table = new LuaTable();
            node.fields().forEachRemaining(e -> table.set(e.getKey(), lua(e.getValue())));
            return table;
        }
        if (node.isArray()) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < node.size(); i++) {
                table.set(i + 1, lua(node.get(i)));
            }
            return table;
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.booleanValue());
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.doubleValue());
        }
        return LuaValue.valueOf(node.asText());
    }
}
