package io.modeldeploy.operator;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.modeldeploy.operator.dependents.NameTaken;

/** The sentence a person needs from a failed reconcile: the API server's own message, not a stack trace. */
final class ApplyFailure {
    private ApplyFailure() {
    }

    /**
     * The first line of, in this order: the first API server refusal in the exception, its causes and (for a
     * workflow) the failures of its dependents; the client's own account of a request that got no answer (a
     * timeout, a refused connection); the innermost message of the first failed dependent; the exception's own
     * message. A workflow's own message is never used: it is its dependents' stack traces.
     */
    static String message(Throwable error) {
        String found = find(error, new HashSet<>(), ApplyFailure::refusal);
        if (found == null) {
            found = find(error, new HashSet<>(), ApplyFailure::unanswered);
        }
        if (found == null && error instanceof AggregatedOperatorException aggregated) {
            found = aggregated.getAggregatedExceptions().values().stream().findFirst().map(ApplyFailure::innermost)
                    .orElse(null);
        }
        if (found == null) {
            found = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        }
        return found.lines().findFirst().orElse(found).strip();
    }

    private static String refusal(Throwable error) {
        if (error instanceof NameTaken) {
            return error.getMessage();
        }
        if (error instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage();
        }
        return null;
    }

    private static String unanswered(Throwable error) {
        return error instanceof KubernetesClientException k && k.getStatus() == null ? k.getMessage() : null;
    }

    /** The message of the deepest cause that has one. */
    private static String innermost(Throwable error) {
        String message = null;
        Set<Throwable> seen = new HashSet<>();
        for (Throwable e = error; e != null && seen.add(e); e = e.getCause()) {
            if (e.getMessage() != null) {
                message = e.getMessage();
            }
        }
        return message;
    }

    private static String find(Throwable error, Set<Throwable> seen,
            Function<Throwable, String> kind) {
        if (error == null || !seen.add(error)) {
            return null;
        }
        String found = kind.apply(error);
        if (found != null) {
            return found;
        }
        if (error instanceof AggregatedOperatorException aggregated) {
            for (Exception e : aggregated.getAggregatedExceptions().values()) {
                found = find(e, seen, kind);
                if (found != null) {
                    return found;
                }
            }
        }
        return find(error.getCause(), seen, kind);
    }
}
