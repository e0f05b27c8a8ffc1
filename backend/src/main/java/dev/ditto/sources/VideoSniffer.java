package dev.ditto.sources;

import java.util.Optional;

/**
 * Recognises video containers by their first bytes, so an upload that is plainly not a video (a PDF, a text
 * file, an image) is refused at once with a clear reason; whether it decodes is the PROBE job's business.
 */
final class VideoSniffer {
    private VideoSniffer() {}

    /** The container's name, or empty when the header matches no video container. */
    static Optional<String> container(byte[] head, int length) {
        if (length >= 12 && ascii(head, 4, "ftyp")) {
            return Optional.of(ascii(head, 8, "qt  ") ? "mov" : "mp4");
        }
        if (length >= 12 && ascii(head, 0, "RIFF") && ascii(head, 8, "AVI ")) {
            return Optional.of("avi");
        }
        if (length >= 4 && (head[0] & 0xff) == 0x1a && (head[1] & 0xff) == 0x45 && (head[2] & 0xff) == 0xdf && (head[3] & 0xff) == 0xa3) {
            return Optional.of("matroska");
        }
        if (length >= 3 && ascii(head, 0, "FLV")) {
            return Optional.of("flv");
        }
        if (length >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 1 && ((head[3] & 0xff) == 0xba || (head[3] & 0xff) == 0xb3)) {
            return Optional.of("mpeg-ps");
        }
        if (length >= 189 && head[0] == 0x47 && head[188] == 0x47) {
            return Optional.of("mpeg-ts");
        }
        if (length >= 4 && ascii(head, 0, "OggS")) {
            return Optional.of("ogg");
        }
        if (length >= 16 && (head[0] & 0xff) == 0x30 && (head[1] & 0xff) == 0x26 && (head[2] & 0xff) == 0xb2 && (head[3] & 0xff) == 0x75) {
            return Optional.of("asf");
        }
        return Optional.empty();
    }

    private static boolean ascii(byte[] data, int offset, String text) {
        if (data.length < offset + text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (data[offset + i] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
