package io.modeldeploy.kubectl;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.modeldeploy.api.v1alpha1.ModelDeployment;
import io.modeldeploy.api.v1alpha1.RolloutSpec;
import io.modeldeploy.api.v1alpha1.RolloutStatus;
import io.modeldeploy.api.v1alpha1.WellKnown;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl modeldeploy}: ModelDeployments as a tree, and their rollouts steered by name instead of by typing
 * annotations. kubectl finds it as the executable {@code kubectl-modeldeploy} on the PATH.
 * <p>
 * Exit codes: 0 done; 1 the cluster refused or the operator ignored the request (the reason is printed); 2 a usage
 * error; 3 the operator did not answer in time.
 */
@Command(name = "kubectl modeldeploy", mixinStandardHelpOptions = true, versionProvider = KubectlModeldeploy.Version.class,
        description = "Shows ModelDeployments and steers their rollouts.",
        subcommands = {KubectlModeldeploy.Get.class, KubectlModeldeploy.History.class, KubectlModeldeploy.Promote.class,
                KubectlModeldeploy.Abort.class, KubectlModeldeploy.Retry.class, KubectlModeldeploy.Pause.class,
                KubectlModeldeploy.Resume.class, KubectlModeldeploy.Set.class,
                KubectlModeldeploy.Watch.class, KubectlModeldeploy.Completion.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:refused by the cluster, or the operator ignored the request (the reason is printed)",
                "2:usage error", "3:the operator did not answer in time"})
public final class KubectlModeldeploy implements Runnable {
    static final int REFUSED = 1;
    static final int NO_ANSWER = 3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command");
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        stopHttpSelectors();
        System.exit(code);
    }

    /**
     * Ends the JDK HTTP client's selector thread, which would otherwise cost every command 0.3 s at exit: the JVM
     * waits up to 300 ms for threads running native code to stop before it exits, and that thread sits in the
     * operating system's poll until its client is collected (JDK 17 has no {@code HttpClient.close()}). It leaves
     * its loop when interrupted. By the time a command returns, no request is under way.
     */
    private static void stopHttpSelectors() {
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager"))
                .forEach(Thread::interrupt);
    }

    static CommandLine commandLine() {
        return new CommandLine(new KubectlModeldeploy())
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    commandLine.getErr().println("error: " + message(e));
                    return REFUSED;
                });
    }

    /** What the API server said, without the client's stack trace. */
    static String message(Exception e) {
        if (e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kubectl-modeldeploy " + Optional.ofNullable(
                    KubectlModeldeploy.class.getPackage().getImplementationVersion()).orElse("dev")};
        }
    }

    /** The cluster options every command takes, as kubectl names them. */
    static final class Cluster {
        @Option(names = {"-n", "--namespace"}, description = "The namespace (default: the context's, or default).")
        String namespace;
        @Option(names = "--context", description = "The kubeconfig context to use (default: the current one).")
        String context;
        @Option(names = "--kubeconfig", paramLabel = "FILE",
                description = "The kubeconfig file (default: $KUBECONFIG, or ~/.kube/config).")
        Path kubeconfig;

        KubernetesClient client() {
            Config config;
            try {
                config = kubeconfig == null ? Config.autoConfigure(context)
                        : Config.fromKubeconfig(context, Files.readString(kubeconfig), kubeconfig.toString());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the kubeconfig " + kubeconfig + ": " + e.getMessage(), e);
            }
            if (namespace != null) {
                config.setNamespace(namespace);
            } else if (config.getNamespace() == null) {
                config.setNamespace("default");
            }
            return new KubernetesClientBuilder().withConfig(config).build();
        }
    }

    /** The ModelDeployment's serving Deployments and pods, found by its label as the operator sets it. */
    record Tree(ModelDeployment md, List<Deployment> deployments, List<Pod> pods) {
        static Tree read(KubernetesClient client, ModelDeployment md) {
            String name = md.getMetadata().getName();
            return new Tree(md,
                    client.apps().deployments().withLabel(WellKnown.MODEL_DEPLOYMENT_LABEL, name).list().getItems(),
                    client.pods().withLabel(WellKnown.MODEL_DEPLOYMENT_LABEL, name).list().getItems());
        }

        String render(StatusTree.Style style) {
            return StatusTree.render(md, deployments, pods, style);
        }
    }

    static ModelDeployment get(KubernetesClient client, String name) {
        ModelDeployment md = client.resources(ModelDeployment.class).withName(name).get();
        if (md == null) {
            throw new IllegalStateException("modeldeployment \"" + name + "\" not found in namespace "
                    + client.getNamespace());
        }
        return md;
    }

    /** Colours only when printing to a terminal. */
    static StatusTree.Style style() {
        return System.console() != null && System.getenv("NO_COLOR") == null ? StatusTree.Style.ANSI
                : StatusTree.Style.NONE;
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Shows a ModelDeployment as a tree: its tracks (stable, canary) with revision, version, "
                    + "weight and ready pods, where its rollout stands and its last events.",
                    "Without NAME, one line per ModelDeployment of the namespace."})
    static final class Get implements Callable<Integer> {
        @Mixin
        Cluster cluster;
        @Parameters(arity = "0..1", paramLabel = "NAME", description = "The ModelDeployment.")
        String name;
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "json or yaml: the object(s) as "
                + "the API server has them.")
        String output;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (output != null && !List.of("json", "yaml").contains(output)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "unknown output format '" + output + "': use json or yaml");
            }
            PrintWriter out = spec.commandLine().getOut();
            try (KubernetesClient client = cluster.client()) {
                if (name == null) {
                    List<ModelDeployment> all = client.resources(ModelDeployment.class).list().getItems();
                    if (output != null) {
                        out.print(serialize(Map.of("apiVersion", "v1", "kind", "List", "items", all), output));
                    } else if (all.isEmpty()) {
                        out.println("no ModelDeployments in namespace " + client.getNamespace());
                    } else {
                        out.print(StatusTree.table(all, style()));
                    }
                } else {
                    ModelDeployment md = get(client, name);
                    out.print(output != null ? serialize(md, output) : Tree.read(client, md).render(style()));
                }
            }
            out.flush();
            return 0;
        }

        private static String serialize(Object object, String format) {
            return "json".equals(format) ? Serialization.asJson(object) + "\n" : Serialization.asYaml(object);
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Lists the rollout's events (the last ten the operator keeps), oldest first.")
    static final class History implements Callable<Integer> {
        @Mixin
        Cluster cluster;
        @Parameters(paramLabel = "NAME", description = "The ModelDeployment.")
        String name;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (KubernetesClient client = cluster.client()) {
                spec.commandLine().getOut().print(StatusTree.history(get(client, name)));
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /**
     * A rollout action: sets the action annotation to a new value, then waits until the operator has read it and
     * says whether it applied it.
     */
    abstract static class Action implements Callable<Integer> {
        @Mixin
        Cluster cluster;
        @Parameters(paramLabel = "NAME", description = "The ModelDeployment.")
        String name;
        @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION",
                description = "How long to wait for the operator to read the request (default: ${DEFAULT-VALUE}; "
                        + "0s: do not wait).")
        String timeout;
        @Spec
        CommandLine.Model.CommandSpec spec;

        /** The action is the command's name. */
        String action() {
            return spec.name();
        }

        @Override
        public Integer call() {
            Duration wait = Durations.parse(spec.commandLine(), timeout);
            String value = action() + "-" + Instant.now().toEpochMilli();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (KubernetesClient client = cluster.client()) {
                ModelDeployment md = get(client, name);
                if (md.getSpec().rollout() == null || md.getSpec().rollout().strategy() != RolloutSpec.Strategy.Canary) {
                    err.println("modeldeployment/" + name + " rolls out with " + (md.getSpec().rollout() == null
                            ? RolloutSpec.Strategy.RollingUpdate : md.getSpec().rollout().strategy())
                            + ": " + action() + " steers a Canary rollout (spec.rollout.strategy: Canary)");
                    return REFUSED;
                }
                client.resources(ModelDeployment.class).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                        Serialization.asJson(Map.of("metadata", Map.of("annotations",
                                Map.of(WellKnown.ROLLOUT_ACTION_ANNOTATION, value)))));
                if (wait.isZero()) {
                    out.println("modeldeployment/" + name + ": " + action() + " requested");
                    return 0;
                }
                Instant deadline = Instant.now().plus(wait);
                while (Instant.now().isBefore(deadline)) {
                    RolloutStatus rollout = Optional.ofNullable(get(client, name).getStatus())
                            .map(s -> s.rollout()).orElse(null);
                    if (rollout != null && value.equals(rollout.lastAction())) {
                        if (rollout.lastActionIgnored() != null) {
                            // The operator's sentence starts with the action: "abort ignored: no canary is running".
                            err.println("modeldeployment/" + name + ": " + rollout.lastActionIgnored());
                            return REFUSED;
                        }
                        out.println("modeldeployment/" + name + ": " + action() + " applied; rollout " + rollout.phase()
                                + (rollout.message() == null ? "" : ": " + rollout.message()));
                        return 0;
                    }
                    sleep();
                }
                err.println("modeldeployment/" + name + ": the operator did not read the " + action() + " request "
                        + "within " + timeout + " (is it running?); the annotation stays and is read when it does");
                return NO_ANSWER;
            } finally {
                out.flush();
                err.flush();
            }
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Promotes the running canary: it takes all traffic and becomes the stable revision.")
    static final class Promote extends Action {
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Aborts the running canary or promotion: the stable revision takes all traffic again.")
    static final class Abort extends Action {
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Runs the canary of a rolled-back revision again.")
    static final class Retry extends Action {
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Holds the running canary at its step, past the step's pause, until resume or promote; its "
                    + "checks go on (a failing canary is still rolled back).")
    static final class Pause extends Action {
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Lets a paused canary go on: its step's pause starts again from now.")
    static final class Resume extends Action {
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Changes a ModelDeployment's spec.",
            subcommands = Set.Version.class)
    static final class Set implements Runnable {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing what to set: version");
        }

        @Command(name = "version", mixinStandardHelpOptions = true,
                description = {"Sets spec.model.version (and, when given, the model's uri and sha256): a new "
                        + "revision, rolled out by the ModelDeployment's strategy.",
                        "Example: kubectl modeldeploy set version iris 2.0.0 --uri https://models.example.com/iris/2/"
                                + "model.onnx --sha256 <digest>"})
        static final class Version implements Callable<Integer> {
            @Mixin
            Cluster cluster;
            @Parameters(index = "0", paramLabel = "NAME", description = "The ModelDeployment.")
            String name;
            @Parameters(index = "1", paramLabel = "VERSION", description = "The model version.")
            String version;
            @Option(names = "--uri", description = "The new version's model uri.")
            String uri;
            @Option(names = "--sha256", description = "The new version's bundle digest.")
            String sha256;
            @Spec
            CommandLine.Model.CommandSpec spec;

            @Override
            public Integer call() {
                var model = new java.util.LinkedHashMap<String, Object>();
                model.put("version", version);
                if (uri != null) {
                    model.put("uri", uri);
                }
                if (sha256 != null) {
                    model.put("sha256", sha256);
                }
                try (KubernetesClient client = cluster.client()) {
                    get(client, name);
                    client.resources(ModelDeployment.class).withName(name).patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            Serialization.asJson(Map.of("spec", Map.of("model", model))));
                }
                spec.commandLine().getOut().println("modeldeployment/" + name + ": version set to " + version);
                spec.commandLine().getOut().flush();
                return 0;
            }
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = "Shows the tree of 'get NAME' again whenever it changes, until interrupted or, with "
                    + "--until, until the rollout reaches a phase.")
    static final class Watch implements Callable<Integer> {
        @Mixin
        Cluster cluster;
        @Parameters(paramLabel = "NAME", description = "The ModelDeployment.")
        String name;
        @Option(names = "--until", paramLabel = "PHASE", description = "Stop once status.rollout.phase (or, without "
                + "a rollout, status.phase) is PHASE, e.g. Stable or RolledBack.")
        String until;
        @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up after this long (exit 3).")
        String timeout;
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Instant deadline = timeout == null ? Instant.MAX
                    : Instant.now().plus(Durations.parse(spec.commandLine(), timeout));
            String shown = null;
            try (KubernetesClient client = cluster.client()) {
                while (Instant.now().isBefore(deadline)) {
                    ModelDeployment md = get(client, name);
                    String tree = Tree.read(client, md).render(style());
                    if (!tree.equals(shown)) {
                        out.print((shown == null ? "" : "\n") + tree);
                        out.flush();
                        shown = tree;
                    }
                    if (until != null && until.equals(phase(md))) {
                        return 0;
                    }
                    sleep();
                }
            }
            spec.commandLine().getErr().println("modeldeployment/" + name + " did not reach " + until + " within "
                    + timeout);
            spec.commandLine().getErr().flush();
            return NO_ANSWER;
        }

        private static String phase(ModelDeployment md) {
            if (md.getStatus() == null) {
                return null;
            }
            return md.getStatus().rollout() != null ? md.getStatus().rollout().phase() : md.getStatus().phase();
        }
    }

    @Command(name = "completion", mixinStandardHelpOptions = true,
            description = {"Prints a bash completion script for kubectl-modeldeploy.",
                    "Use: source <(kubectl-modeldeploy completion)"})
    static final class Completion implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(AutoComplete.bash("kubectl-modeldeploy",
                    spec.commandLine().getParent()));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    static final class Durations {
        private Durations() {
        }

        /** 30s, 2m, 1h, or 0s. */
        static Duration parse(CommandLine commandLine, String text) {
            if (text.matches("\\d+[smh]")) {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
            throw new CommandLine.ParameterException(commandLine, "'" + text + "' is not a duration: use 30s, 2m or 1h");
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
