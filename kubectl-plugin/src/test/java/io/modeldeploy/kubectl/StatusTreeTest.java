package io.modeldeploy.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modeldeploy.api.v1alpha1.ModelDeployment;

/** What the tree says of states the cluster test cannot produce on fake nodes. */
class StatusTreeTest {

    @Test
    void aPodThatCannotStartShowsItsReasonAndRestartsAndATerminatingPodSaysSo() {
        String tree = StatusTree.render(md("""
                phase: Progressing
                conditions:
                - {type: Ready, status: "False", reason: CrashLoop, message: "pod iris-1 restarts: model.onnx failed its SHA-256 check"}
                """), List.of(deployment("iris", "stable", 2, 1)), List.of(
                pod("iris-1", "stable", """
                        phase: Running
                        containerStatuses:
                        - name: runtime
                          restartCount: 4
                          state: {waiting: {reason: CrashLoopBackOff}}
                        """, false),
                pod("iris-2", "stable", """
                        phase: Running
                        conditions: [{type: Ready, status: "True"}]
                        """, true)), StatusTree.Style.NONE);

        assertThat(tree).isEqualTo("""
                modeldeployment/iris  Progressing  model iris 1.0.0
                  CrashLoop: pod iris-1 restarts: model.onnx failed its SHA-256 check
                └── stable  deployment/iris  1/2 ready  version 1.0.0
                    ├── pod/iris-1  CrashLoopBackOff, 4 restarts
                    └── pod/iris-2  Terminating
                """);
    }

    @Test
    void anIgnoredActionAndKeptCanaryPodsAreNamedAndColoursAreOnlyForTerminals() {
        ModelDeployment md = md("""
                phase: RolledBack
                rollout:
                  phase: RolledBack
                  message: revision b rolled back
                  lastAction: promote-1
                  lastActionIgnored: there is no canary to promote
                  endedCanaryKept: HTTPRoute iris gives iris-canary weight 10
                """);

        assertThat(StatusTree.render(md, List.of(), List.of(), StatusTree.Style.NONE)).isEqualTo("""
                modeldeployment/iris  RolledBack  model iris 1.0.0
                rollout: RolledBack: revision b rolled back
                  action 'promote-1' ignored: there is no canary to promote
                  canary pods kept: HTTPRoute iris gives iris-canary weight 10
                """);
        assertThat(StatusTree.render(md, List.of(), List.of(), StatusTree.Style.ANSI))
                .startsWith("modeldeployment/iris  \u001b[31mRolledBack\u001b[0m  model iris 1.0.0\n");
    }

    @Test
    void aCanaryAtAShadowStepSaysItGetsACopyOfTheRequests() {
        ModelDeployment md = Serialization.unmarshal(stream("""
                apiVersion: serving.modeldeploy.io/v1alpha1
                kind: ModelDeployment
                metadata: {name: iris}
                spec:
                  model: {name: iris, version: "2.0.0", format: onnx, uri: "file:///models/iris"}
                  rollout:
                    strategy: Canary
                    steps: [{weight: 0, shadow: true, pause: 5m}, {weight: 50}]
                    traffic: {provider: GatewayAPI, gateway: {name: public}}
                status:
                  phase: Progressing
                  rollout:
                    phase: Progressing
                    stableRevision: a
                    canaryRevision: b
                    step: 1
                    canaryWeight: 0
                    effectiveCanaryWeight: 0
                    message: "canary b at step 1 of 2, shadow traffic"
                """), ModelDeployment.class);

        assertThat(StatusTree.render(md, List.of(deployment("iris", "stable", 2, 2),
                deployment("iris-canary", "canary", 2, 2)), List.of(), StatusTree.Style.NONE)).isEqualTo("""
                modeldeployment/iris  Progressing  model iris 2.0.0
                ├── stable  deployment/iris  2/2 ready  weight 100%
                └── canary  deployment/iris-canary  2/2 ready  weight 0%  shadow: gets a copy of the stable pods' requests
                rollout: Progressing, step 1 of 2: canary b at step 1 of 2, shadow traffic
                """);
    }

    private static ModelDeployment md(String status) {
        return Serialization.unmarshal(stream("""
                apiVersion: serving.modeldeploy.io/v1alpha1
                kind: ModelDeployment
                metadata: {name: iris}
                spec:
                  model: {name: iris, version: "1.0.0", format: onnx, uri: "file:///models/iris"}
                status:
                """ + status.indent(2)), ModelDeployment.class);
    }

    private static Deployment deployment(String name, String track, int replicas, int ready) {
        return Serialization.unmarshal(stream("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %s}
                spec:
                  replicas: %d
                  template:
                    metadata:
                      labels: {serving.modeldeploy.io/track: %s}
                status: {readyReplicas: %d}
                """.formatted(name, replicas, track, ready)), Deployment.class);
    }

    private static Pod pod(String name, String track, String status, boolean terminating) {
        return Serialization.unmarshal(stream("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  labels: {serving.modeldeploy.io/track: %s, app.kubernetes.io/version: "1.0.0"}
                %s
                status:
                """.formatted(name, track, terminating ? "  deletionTimestamp: \"2026-12-03T06:00:00Z\"" : "")
                + status.indent(2)), Pod.class);
    }

    private static ByteArrayInputStream stream(String yaml) {
        return new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8));
    }
}
