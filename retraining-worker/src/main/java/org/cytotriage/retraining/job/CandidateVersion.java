package org.cytotriage.retraining.job;

/**
 * A candidate's version: the parent's next minor version, marked as retrained and by which request,
 * so it orders after its parent (core.release.ModelVersions) and names where it came from.
 * {@code 1.4.0-synthetic} retrained by request {@code 3f2a9c1e-...} is {@code 1.5.0-retrained.3f2a9c1e}.
 */
public final class CandidateVersion {

    private CandidateVersion() {
    }

    public static String of(String parentVersion, String requestId) {
        String[] parts = parentVersion.split("[-+]", 2)[0].split("\\.");
        int major = parts.length > 0 && parts[0].matches("\\d+") ? Integer.parseInt(parts[0]) : 0;
        int minor = parts.length > 1 && parts[1].matches("\\d+") ? Integer.parseInt(parts[1]) : 0;
        return major + "." + (minor + 1) + ".0-retrained." + requestId.replace("-", "").substring(0, 8);
    }
}
