package io.modeldeploy.operator;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.modeldeploy.testing.ClusterTest;
import io.modeldeploy.testing.KubernetesClusterExtension;
import io.modeldeploy.testing.OperatorProcess;

/**
 * A cluster test with the packaged operator running against the test cluster, started once for the test class
 * and stopped after it, so that no other test class finds an operator it did not ask for. Like a pod's container,
 * it is started again when it exits after losing its leader Lease ({@link OperatorProcess#restartingAfterALostLease}).
 * Test methods may take the {@link OperatorProcess}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ClusterTest
@ExtendWith(RunningOperator.Extension.class)
public @interface RunningOperator {

    class Extension implements BeforeAllCallback, ParameterResolver {
        private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(RunningOperator.class);

        @Override
        public void beforeAll(ExtensionContext context) {
            shared(context);
        }

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == OperatorProcess.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return shared(context);
        }

        static OperatorProcess shared(ExtensionContext context) {
            ExtensionContext classContext = context.getTestClass().isPresent() && context.getTestMethod().isEmpty()
                    ? context : context.getParent().orElseThrow();
            return classContext.getStore(STORE).computeIfAbsent(OperatorProcess.class,
                    k -> start(context, "target/operator-logs/" + context.getRequiredTestClass().getSimpleName()
                            + ".log"), OperatorProcess.class);
        }

        static OperatorProcess start(ExtensionContext context, String log) {
            return OperatorProcess.start(Path.of(System.getProperty("modeldeploy.operator.jar",
                            "target/quarkus-app/quarkus-run.jar")),
                    KubernetesClusterExtension.cluster(context), Path.of(log),
                    // A Lease of its own: one left by an operator of an earlier run would make it wait to lead.
                    Map.of("MODELDEPLOY_LEADER_ELECTION_LEASE_NAME", "modeldeploy-test-" + java.util.UUID.randomUUID()))
                    .restartingAfterALostLease();
        }
    }
}
