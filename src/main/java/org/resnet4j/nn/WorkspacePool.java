package org.resnet4j.nn;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Inference workspaces of one module, lent to one call at a time: N concurrent callers use N workspaces, and a caller
 * that comes later reuses one, so steady-state inference allocates nothing but the result it hands back. Keeps at most
 * as many idle workspaces as the machine has processors (more callers than cores gain nothing from cached buffers).
 */
final class WorkspacePool {
    private static final int MAX_IDLE = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final ConcurrentLinkedDeque<Workspace> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    Workspace take() {
        Workspace workspace = idle.pollLast();
        if (workspace == null) {
            return Workspace.forInference();
        }
        idleCount.decrementAndGet();
        return workspace;
    }

    void giveBack(Workspace workspace) {
        if (idleCount.incrementAndGet() <= MAX_IDLE) {
            idle.addLast(workspace);
        } else {
            idleCount.decrementAndGet();
        }
    }
}
