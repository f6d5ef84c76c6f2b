package io.modeldeploy.operator.source;

import static io.modeldeploy.operator.ModelDeployments.iris;
import static io.modeldeploy.operator.ModelDeployments.spec;
import static io.modeldeploy.operator.ModelDeployments.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.ModelDeploymentStatus;
import io.modeldeploy.api.v1alpha1.ResolvedModelStatus;

class ModelPinsTest {
    private static final String DIGEST = "sha256:" + "c3".repeat(32);
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private final ModelPins pins = new ModelPins(new RegistryDigests(List.of()));

    @Test
    void aModelFromAnywhereElseIsNotPinned() {
        ModelDeployment md = iris();
        ModelPins.Pin pin = pins.of(md, "inputs", NOW);

        assertThat(pin).isInstanceOf(ModelPins.NotOci.class);
        assertThat(pin.applyTo(md)).isSameAs(md);
    }

    @Test
    void aUriThatNamesADigestIsPinnedAsItIsWithoutAskingTheRegistry() {
        ModelDeployment md = with(spec("oci://registry.invalid/acme/iris@" + DIGEST, "1", 1, null, null, null));

        assertThat(pins.of(md, "inputs", NOW)).isEqualTo(new ModelPins.Pinned(new ResolvedModelStatus(
                "oci://registry.invalid/acme/iris@" + DIGEST, DIGEST, "registry.invalid/acme/iris@" + DIGEST,
                "inputs")));
    }

    @Test
    void theStatusKeepsTheDigestOfTheSameSpecAndANewSpecIsResolvedAgain() {
        String tagged = "oci://registry.invalid/acme/iris:prod";
        ModelDeployment md = with(spec(tagged, "1", 1, null, null, null));
        var kept = new ResolvedModelStatus(tagged, DIGEST, "registry.invalid/acme/iris@" + DIGEST, "inputs-1");
        md.setStatus(new ModelDeploymentStatus(1L, "Ready", 1, 1, null, null, "1", "r1", List.of(), null, null,
                null, kept));

        ModelPins.Pin pin = pins.of(md, "inputs-1", NOW);
        assertThat(pin).isEqualTo(new ModelPins.Pinned(kept));
        assertThat(pin.applyTo(md).getSpec().model().uri()).isEqualTo("oci://registry.invalid/acme/iris@" + DIGEST);
        assertThat(pin.applyTo(md).getSpec().model().version()).isEqualTo("1");
        assertThat(md.getSpec().model().uri()).as("the primary is left alone").isEqualTo(tagged);

        assertThat(pins.of(md, "inputs-2", NOW)).as("another spec asks the registry again")
                .isInstanceOf(ModelPins.Resolving.class);
    }

    @Test
    void aRegistryThatCannotBeReachedIsNamedAndAskedAgainLater() throws IOException {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String tagged = "oci://127.0.0.1:" + closedPort + "/acme/iris:prod";
        ModelDeployment md = with(spec(tagged, "1", 1, null, null, null));

        assertThat(pins.of(md, "inputs", NOW)).as("never waits").isInstanceOf(ModelPins.Resolving.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> pins.of(md, "inputs", NOW)
                instanceof ModelPins.Unresolvable);
        assertThat(((ModelPins.Unresolvable) pins.of(md, "inputs", NOW)).message())
                .startsWith("cannot reach the registry 127.0.0.1:" + closedPort + " for 127.0.0.1:" + closedPort
                        + "/acme/iris:prod: ConnectException");
    }
}
