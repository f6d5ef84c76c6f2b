package io.modeldeploy.operator.rollout;

/**
 * The replicas of both tracks for a canary weight, and the canary's share of the traffic they really give
 * (shown in status). Capacity comes before traffic: the stable track gives up a pod only once a canary pod is Ready
 * to take its place, and a canary's traffic follows its Ready pods.
 * <ul>
 * <li>{@link #of ReplicaRatio}: one Service selects stable and canary pods, so traffic follows the Ready pods of
 * each track. A positive weight gets at least one canary pod; a weight below 100 keeps at least one stable pod.
 * The stable track shrinks only by the canary pods that are Ready, so the Ready pods never drop below the total.</li>
 * <li>{@link #routed GatewayAPI}: an HTTPRoute weighs the tracks exactly, so the stable track keeps all its
 * replicas (it can take all traffic back at once) and the canary gets replicas in proportion to its weight, and the
 * share of that weight its Ready pods can carry.</li>
 * </ul>
 *
 * @param stable replicas of the stable revision
 * @param canary replicas of the canary revision
 * @param effectiveWeight the canary's share of the traffic, in percent
 */
public record ReplicaSplit(int stable, int canary, int effectiveWeight) {

    /**
     * @param total the serving replicas wanted
     * @param weight the canary weight asked for
     * @param readyCanary canary pods of the canary revision that are Ready now
     */
    public static ReplicaSplit of(int total, int weight, int readyCanary) {
        checkWeight(weight);
        if (total <= 0) {
            return new ReplicaSplit(0, 0, 0);
        }
        int canary = (int) Math.round(total * weight / 100.0);
        if (weight > 0 && canary == 0) {
            canary = 1;
        }
        if (weight < 100 && canary == total && total > 1) {
            canary = total - 1;
        }
        int stable = weight == 100 ? 0 : total - canary;
        if (weight < 100 && stable == 0) {
            stable = 1;
        }
        int ready = Math.min(Math.max(readyCanary, 0), canary);
        stable = Math.max(stable, total - ready);
        return new ReplicaSplit(stable, canary, ready == 0 ? 0 : (int) Math.round(100.0 * ready / (stable + ready)));
    }

    /**
     * The split when an HTTPRoute weighs the tracks. The route gives the canary its weight in proportion to its
     * Ready pods: a weighted backend without ready endpoints would fail requests, one with too few would overload.
     *
     * @param readyCanary canary pods of the canary revision that are Ready now
     */
    public static ReplicaSplit routed(int total, int weight, int readyCanary) {
        checkWeight(weight);
        if (total <= 0) {
            return new ReplicaSplit(0, 0, 0);
        }
        int canary = weight == 0 ? 0 : Math.max(1, (int) Math.ceil(total * weight / 100.0));
        int ready = Math.min(Math.max(readyCanary, 0), canary);
        return new ReplicaSplit(total, canary, canary == 0 ? 0 : weight * ready / canary);
    }

    private static void checkWeight(int weight) {
        if (weight < 0 || weight > 100) {
            throw new IllegalArgumentException("a canary weight is between 0 and 100, not " + weight);
        }
    }
}
