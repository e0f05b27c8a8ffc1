package dev.ditto.hub;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code ditto.hub.*}: the Hub endpoint, the token (unset → the {@code HF_TOKEN} environment variable), whether
 * new repositories are private, commit size bounds and retries. The token never appears in {@link #toString()}.
 */
@ConfigurationProperties("ditto.hub")
public record HubProperties(
        @DefaultValue("https://huggingface.co") String endpoint,
        @Nullable String token,
        @DefaultValue("true") boolean privateRepos,
        @DefaultValue("main") String revision,
        @DefaultValue("100") int commitMaxFiles,
        @DefaultValue("52428800") long commitMaxBytes,
        @DefaultValue("3") int retries,
        @DefaultValue("1000") long retryBackoffMillis,
        @DefaultValue("60") int timeoutSeconds) {

    public static HubProperties of(String endpoint, @Nullable String token) {
        return new HubProperties(endpoint, token, true, "main", 100, 50L << 20, 3, 1000, 60);
    }

    public HubProperties withRetries(int count, long backoffMillis) {
        return new HubProperties(endpoint, token, privateRepos, revision, commitMaxFiles, commitMaxBytes, count,
                backoffMillis, timeoutSeconds);
    }

    public HubProperties withCommitMaxFiles(int files) {
        return new HubProperties(endpoint, token, privateRepos, revision, files, commitMaxBytes, retries,
                retryBackoffMillis, timeoutSeconds);
    }

    public HubProperties withEndpoint(String newEndpoint) {
        return new HubProperties(newEndpoint, token, privateRepos, revision, commitMaxFiles, commitMaxBytes, retries,
                retryBackoffMillis, timeoutSeconds);
    }

    public HubProperties withToken(@Nullable String newToken) {
        return new HubProperties(endpoint, newToken, privateRepos, revision, commitMaxFiles, commitMaxBytes, retries,
                retryBackoffMillis, timeoutSeconds);
    }

    /** The configured token, else {@code HF_TOKEN} from the environment, else null. */
    public @Nullable String resolvedToken() {
        if (token != null && !token.isBlank()) {
            return token.strip();
        }
        String env = System.getenv("HF_TOKEN");
        return env == null || env.isBlank() ? null : env.strip();
    }

    @Override
    public String toString() {
        return "HubProperties[endpoint=" + endpoint + ", token=" + (resolvedToken() == null ? "unset" : "***")
                + ", privateRepos=" + privateRepos + ", revision=" + revision + ", commitMaxFiles=" + commitMaxFiles
                + ", commitMaxBytes=" + commitMaxBytes + ", retries=" + retries + "]";
    }
}
