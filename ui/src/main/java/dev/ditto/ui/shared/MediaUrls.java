package dev.ditto.ui.shared;

import org.jspecify.annotations.Nullable;

/** URLs of stored blobs as the media endpoint serves them, relative to the app's base URL. */
public final class MediaUrls {
    private MediaUrls() {}

    /** {@code media/blobs/<key>}, or empty for no key. */
    public static String blob(@Nullable String key) {
        return key == null || key.isBlank() ? "" : "media/blobs/" + key;
    }
}
