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
 * A cluster test with the packaged operator running against the test cluster, started once per test JVM and
 * shared. Test methods may take the {@link OperatorProcess}.
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
            return context.getRoot().getStore(STORE).computeIfAbsent(OperatorProcess.class,
                    k -> start(context, "target/operator-logs/shared.log"), OperatorProcess.class);
        }

        static OperatorProcess start(ExtensionContext context, String log) {
            return OperatorProcess.start(Path.of(System.getProperty("modeldeploy.operator.jar",
                            "target/quarkus-app/quarkus-run.jar")),
                    KubernetesClusterExtension.cluster(context), Path.of(log), Map.of());
        }
    }
}
