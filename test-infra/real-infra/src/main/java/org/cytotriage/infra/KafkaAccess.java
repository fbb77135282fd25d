package org.cytotriage.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The project's one table of who may do what on the broker ({@code identity/kafka/access.tsv}), as
 * the test broker applies it: the same lines the topics job turns into {@code kafka-acls.sh} calls.
 */
public record KafkaAccess(List<Permission> permissions) {

    /** The file, relative to the project root. */
    public static final String TABLE = "identity/kafka/access.tsv";

    /** One line: {@code principal} may {@code operation} (read or write) the topic or group {@code name}. */
    public record Permission(String principal, AclOperation operation, ResourceType resource, PatternType pattern, String name) {

        AclBinding binding() {
            return new AclBinding(new ResourcePattern(resource, name, pattern),
                    new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW));
        }
    }

    public static KafkaAccess read(Path table) {
        try {
            return new KafkaAccess(Files.readAllLines(table).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(KafkaAccess::parse)
                    .toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static KafkaAccess ofProject() {
        return read(ProjectLayout.locate().root().resolve(TABLE));
    }

    private static Permission parse(String line) {
        String[] fields = line.split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("an access line has five fields (principal operation resource pattern name): " + line);
        }
        AclOperation operation = AclOperation.fromString(fields[1].toUpperCase(Locale.ROOT));
        ResourceType resource = ResourceType.fromString(fields[2].toUpperCase(Locale.ROOT));
        PatternType pattern = PatternType.fromString(fields[3].toUpperCase(Locale.ROOT));
        if (operation != AclOperation.READ && operation != AclOperation.WRITE
                || resource != ResourceType.TOPIC && resource != ResourceType.GROUP
                || pattern != PatternType.LITERAL && pattern != PatternType.PREFIXED
                || resource == ResourceType.GROUP && operation != AclOperation.READ) {
            throw new IllegalArgumentException("an access line reads or writes a topic or reads a group, literal or prefixed: " + line);
        }
        return new Permission(fields[0], operation, resource, pattern, fields[4]);
    }

    /** Every principal the table names. */
    public SortedSet<String> principals() {
        return new TreeSet<>(permissions.stream().map(Permission::principal).toList());
    }

    /** Every topic the table names (the test broker creates them before any service starts). */
    public SortedSet<String> topics() {
        return new TreeSet<>(permissions.stream().filter(p -> p.resource() == ResourceType.TOPIC).map(Permission::name).toList());
    }

    public List<AclBinding> bindings() {
        return permissions.stream().map(Permission::binding).toList();
    }

    /** The topics {@code principal} may use with {@code operation}. */
    public SortedSet<String> topics(String principal, AclOperation operation) {
        return new TreeSet<>(permissions.stream()
                .filter(p -> p.principal().equals(principal) && p.resource() == ResourceType.TOPIC && p.operation() == operation)
                .map(Permission::name).toList());
    }
}
