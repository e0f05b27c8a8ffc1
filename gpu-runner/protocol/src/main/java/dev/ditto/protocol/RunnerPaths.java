package dev.ditto.protocol;

/** The HTTP paths of the runner protocol, relative to the server's base URL. */
public final class RunnerPaths {
    private RunnerPaths() {}

    public static final String REGISTER = "/api/runner/register";
    public static final String CLAIM = "/api/runner/claim";
    public static final String HEARTBEAT = "/api/runner/jobs/%d/heartbeat";
    public static final String ARTIFACT = "/api/runner/jobs/%d/artifacts/%s?attempt=%d";
    public static final String ARTIFACT_UPLOAD_URL = "/api/runner/jobs/%d/artifacts/%s/upload-url";
    public static final String ARTIFACT_UPLOADED = "/api/runner/jobs/%d/artifacts/%s/uploaded";
    public static final String COMPLETE = "/api/runner/jobs/%d/complete";
    public static final String FAIL = "/api/runner/jobs/%d/fail";
    public static final String BLOB = "/api/runner/blobs/%s";
    public static final String SHA256_HEADER = "X-Content-SHA256";
}
