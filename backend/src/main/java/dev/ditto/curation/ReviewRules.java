package dev.ditto.curation;

import dev.ditto.settings.SettingsService;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The team rules of the review queue, shared by single decisions and batches: how many reviews a sample needs
 * ({@code ditto.curation.reviews-per-sample}, or two for the overlap share of samples, {@code curation.overlap-share})
 * and which samples a curator's queue serves (their assignments first; what nobody is assigned stays open to all).
 */
@Component
public class ReviewRules {
    /** A category as samples name it (GLOBAL_STYLE): letters, digits, '_' and '-'. */
    static final Pattern CATEGORY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final JdbcClient jdbc;
    private final SettingsService settings;
    private final CurationProperties properties;

    ReviewRules(JdbcClient jdbc, SettingsService settings, CurationProperties properties) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.properties = properties;
    }

    /**
     * SQL for the reviews the sample {@code alias} needs, with parameters {@code :n} and {@code :overlap}: a sample is
     * in the overlap share when a hash of its id falls under the share (spread evenly, the same on every server and
     * every call, so a sample does not move in or out of it while the share stays).
     */
    static String needed(String alias) {
        return "greatest(:n, case when mod(abs(cast(hashint8(" + alias + ".id) as bigint)), 10000) < :overlap then 2 else 1 end)";
    }

    /** The overlap share in basis points (0–10000), for {@code :overlap}. */
    int overlap() {
        String value = settings.get(CurationSettings.CURATION_OVERLAP_SHARE).value();
        return (int) Math.round(Double.parseDouble(value) * 10_000);
    }

    int reviewsPerSample() {
        return properties.reviewsPerSample();
    }

    /** The reviews sample {@code sampleId} needs now. */
    int needed(long sampleId) {
        return jdbc.sql("select " + needed("s") + " from samples s where s.id = :id")
                .param("n", reviewsPerSample()).param("overlap", overlap()).param("id", sampleId)
                .query(Integer.class).optional().orElse(reviewsPerSample());
    }

    /** Campaigns and categories: an assignment's reach, as SQL array literals for a {@link #covers} clause. */
    record Scope(List<Long> campaigns, List<String> categories) {
        boolean isEmpty() {
            return campaigns.isEmpty() && categories.isEmpty();
        }

        String campaignArray() {
            return ReviewService.array(campaigns);
        }

        String categoryArray() {
            return categories.stream().collect(Collectors.joining(",", "{", "}"));
        }
    }

    /** What is assigned to the user {@code userId}, and what is assigned to anyone. */
    record Queues(Scope mine, Scope all) {}

    Queues queues(long userId) {
        List<Long> myCampaigns = new ArrayList<>();
        List<String> myCategories = new ArrayList<>();
        List<Long> campaigns = new ArrayList<>();
        List<String> categories = new ArrayList<>();
        jdbc.sql("select assignee_id, campaign_id, category from review_assignments").query(rs -> {
            boolean mine = rs.getLong(1) == userId;
            long campaign = rs.getLong(2);
            if (!rs.wasNull()) {
                campaigns.add(campaign);
                if (mine) {
                    myCampaigns.add(campaign);
                }
            }
            String category = rs.getString(3);
            if (category != null && CATEGORY.matcher(category).matches()) {
                categories.add(category);
                if (mine) {
                    myCategories.add(category);
                }
            }
        });
        return new Queues(new Scope(myCampaigns, myCategories), new Scope(campaigns, categories));
    }

    /**
     * SQL true when the sample {@code alias} is in the scope whose arrays are the parameters {@code :<prefix>Campaigns}
     * and {@code :<prefix>Categories}.
     */
    static String covers(String alias, String prefix) {
        return "(coalesce(" + alias + ".campaign_id = any(cast(:" + prefix + "Campaigns as bigint[])), false)"
                + " or " + alias + ".category = any(cast(:" + prefix + "Categories as text[])))";
    }
}
