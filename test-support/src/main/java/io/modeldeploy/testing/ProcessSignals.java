package io.modeldeploy.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Signals to processes the tests run or share (Traefik, the test cluster's control plane), through kill(1). */
final class ProcessSignals {
    private ProcessSignals() {
    }

    /** Sends {@code signal} (e.g. {@code -STOP}) to process {@code pid}, described as {@code what} in errors. */
    static void send(long pid, String signal, String what) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + pid + " (" + what + ") failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops a process the tests started: SIGTERM, then SIGKILL if it has not exited within 10 seconds. */
    static void stop(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
