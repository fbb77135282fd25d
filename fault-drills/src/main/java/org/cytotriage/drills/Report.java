package org.cytotriage.drills;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The drills' report: lines printed as they come and kept, written as markdown at the end. */
final class Report {

    private final List<String> lines = new ArrayList<>();

    void line(String format, Object... args) {
        String text = args.length == 0 ? format : String.format(Locale.ROOT, format, args);
        System.out.println(text);
        lines.add(text);
    }

    /** Printed as it happens, not kept in the report. */
    static void progress(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines);
        System.out.println();
        System.out.println("Written to " + file);
    }
}
