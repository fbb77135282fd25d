package org.cytotriage.drills;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.localstack.LocalStack;
import org.cytotriage.localstack.ServiceLauncher;

/**
 * The faults, one per drill: SIGKILL each service and server and start it again on the same port
 * (the servers with their data directories), and freeze the broker with SIGSTOP for longer than
 * every consumer's session timeout before SIGCONT.
 */
enum Drill {

    INGEST("ingest", "SIGKILL ingest-service, start it again", stack -> service(stack, "ingest-service").kill(),
            stack -> service(stack, "ingest-service").start()),
    INFERENCE("inference", "SIGKILL inference-service, start it again", stack -> service(stack, "inference-service").kill(),
            stack -> service(stack, "inference-service").start()),
    EXPLAIN("explain", "SIGKILL explain-service, start it again", stack -> service(stack, "explain-service").kill(),
            stack -> service(stack, "explain-service").start()),
    AUDIT("audit", "SIGKILL audit-service, start it again", stack -> service(stack, "audit-service").kill(),
            stack -> service(stack, "audit-service").start()),
    BROKER("broker", "SIGKILL the Kafka broker, start it again (same port and log directories)", stack -> infra(stack).kafka().kill(),
            stack -> infra(stack).kafka().start()),
    REGISTRY("registry", "SIGKILL the schema registry, start it again (same port and storage)",
            stack -> infra(stack).registry().kill(), stack -> infra(stack).registry().start()),
    POSTGRES("postgres", "SIGKILL PostgreSQL (postmaster and backends), start it again (same port and data directory)",
            stack -> infra(stack).postgres().kill(), stack -> infra(stack).postgres().start()),
    BROKER_PAUSE("broker-pause", "SIGSTOP the Kafka broker, SIGCONT after the pause", stack -> infra(stack).kafka().pause(),
            stack -> infra(stack).kafka().resume());

    final String id;
    final String fault;
    private final Consumer<LocalStack> inject;
    private final Consumer<LocalStack> restore;

    Drill(String id, String fault, Consumer<LocalStack> inject, Consumer<LocalStack> restore) {
        this.id = id;
        this.fault = fault;
        this.inject = inject;
        this.restore = restore;
    }

    boolean isPause() {
        return this == BROKER_PAUSE;
    }

    void inject(LocalStack stack) {
        inject.accept(stack);
    }

    /** Brings the part back; returns once it answers again (a service: readiness UP). */
    void restore(LocalStack stack) {
        restore.accept(stack);
    }

    /** {@code all}, or drill names separated by commas, in the order given. */
    static List<Drill> parse(List<String> names) {
        if (names.size() == 1 && names.get(0).equals("all")) {
            return List.of(values());
        }
        return names.stream().map(name -> Arrays.stream(values()).filter(d -> d.id.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no drill '" + name + "'; the drills: all, " + ids()))).toList();
    }

    static String ids() {
        return String.join(", ", Arrays.stream(values()).map(d -> d.id).toList());
    }

    private static ServiceLauncher service(LocalStack stack, String name) {
        return stack.processes(name).get(0);
    }

    private static RealInfrastructure infra(LocalStack stack) {
        return stack.infrastructure();
    }
}
