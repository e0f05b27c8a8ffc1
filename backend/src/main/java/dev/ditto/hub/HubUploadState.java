package dev.ditto.hub;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a Hub publication has done so far, saved in {@code publications.progress} after every step: the plan (the
 * files to send or delete, fixed once, so commits are the same on every run), the LFS objects uploaded, the
 * multipart parts done with their ETags, and the commits made.
 */
public final class HubUploadState {
    public boolean repoReady;
    public @Nullable List<PlannedFile> plan;
    public Set<String> uploaded = new LinkedHashSet<>();
    public Map<String, Multipart> multipart = new LinkedHashMap<>();
    public List<String> commits = new ArrayList<>();
    public @Nullable String commitUrl;
    public boolean tagged;

    /** One operation of the plan: mode {@code lfs}, {@code regular} or {@code delete}. */
    public record PlannedFile(String path, long size, String sha256, String mode) {
        boolean lfs() {
            return mode.equals("lfs");
        }

        boolean regular() {
            return mode.equals("regular");
        }

        boolean delete() {
            return mode.equals("delete");
        }
    }

    /** A multipart upload in progress: its completion URL and the ETag of each finished part. */
    public static final class Multipart {
        public String href = "";
        public Map<Integer, String> etags = new LinkedHashMap<>();
    }
}
