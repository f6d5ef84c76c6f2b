package io.modeldeploy.operator;

import java.util.HashSet;
import java.util.Set;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.modeldeploy.operator.dependents.NameTaken;

/** The sentence a person needs from a failed reconcile: the API server's own message, not a stack trace. */
final class ApplyFailure {
    private ApplyFailure() {
    }

    /**
     * The message of the first API server refusal in the exception, its causes and (for a workflow) the failures of
     * its dependents; otherwise the exception's own message.
     */
    static String message(Throwable error) {
        Set<Throwable> seen = new HashSet<>();
        String found = find(error, seen);
        if (found != null) {
            return found;
        }
        return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    }

    private static String find(Throwable error, Set<Throwable> seen) {
        if (error == null || !seen.add(error)) {
            return null;
        }
        if (error instanceof NameTaken) {
            return error.getMessage();
        }
        if (error instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage();
        }
        if (error instanceof AggregatedOperatorException aggregated) {
            for (Exception e : aggregated.getAggregatedExceptions().values()) {
                String found = find(e, seen);
                if (found != null) {
                    return found;
                }
            }
        }
        return find(error.getCause(), seen);
    }
}
