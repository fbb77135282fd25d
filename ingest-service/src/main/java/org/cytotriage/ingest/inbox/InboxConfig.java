package org.cytotriage.ingest.inbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The folders scanners drop their images in, by name (a scanner or a hospital's share); none unless
 * configured. In production each is given by environment, e.g.
 * {@code CYTOTRIAGE_INGEST_INBOX_FOLDERS_SCANNER1_PATH} and {@code ..._SCANNER1_HOSPITAL_ID}.
 */
@ConfigMapping(prefix = "cytotriage.ingest.inbox")
public interface InboxConfig {

    Map<String, Folder> folders();

    /** How often the folders are looked at (application.properties: the scheduler reads it by name). */
    Duration pollInterval();

    /**
     * How long a file's size and modification time must stay the same before it is taken: a scanner
     * that copies a file in place is still writing while either changes.
     */
    @WithDefault("2s")
    Duration settle();

    interface Folder {

        Path path();

        /** Every image of the folder is this hospital's: the folder's configuration says so, never the file. */
        String hospitalId();

        /**
         * Where the case id is in a file name: the group named {@code case}. The default takes what
         * comes before the first '_' ({@code FNA-2026-0042_01.jpg} is case {@code FNA-2026-0042}).
         * A sidecar file {@code <image name>.case} holding the case id wins over the name.
         */
        @WithDefault("(?<case>[^_]+)_.*")
        String caseIdPattern();

        /** Endings of files a scanner is still writing, renamed to their final name when complete. */
        @WithDefault(".part,.partial,.tmp")
        List<String> inProgressSuffixes();
    }
}
