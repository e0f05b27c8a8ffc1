package dev.ditto.ui.search;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.data.renderer.LitRenderer;
import dev.ditto.search.Hit;
import dev.ditto.ui.shared.MediaUrls;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Entities;
import org.jsoup.safety.Safelist;

/**
 * The results: key frame, id, instruction with the matched words emphasised (and the caption when it matched), why
 * it matched (words, or similar by meaning with the score), category, status, tags, judge score, and per row "more like this" and "open". Rows are selectable for bulk actions.
 */
final class SearchResultsGrid extends Grid<Hit> {
    /** Emphasis is the only markup a highlight may carry into the page. */
    private static final Safelist EMPHASIS_ONLY = Safelist.none().addTags("em");

    SearchResultsGrid(Consumer<Hit> moreLikeThis, Consumer<Hit> open) {
        getElement().setAttribute("data-testid", "search-results");
        setSelectionMode(SelectionMode.MULTI);
        addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        addColumn(LitRenderer.<Hit>of("""
                <img data-testid="hit-keyframe" ?hidden=${!item.keyframe} .src=${item.keyframe} alt="key frame" loading="lazy"
                     style="height: 3em; max-width: 5.5em; object-fit: cover; border-radius: var(--lumo-border-radius-s)">""")
                .withProperty("keyframe", h -> MediaUrls.blob(h.keyframeBlobKey())))
                .setHeader("").setWidth("6.5em").setFlexGrow(0);
        addColumn(LitRenderer.<Hit>of("<span data-testid=\"hit-id\">${item.id}</span>").withProperty("id", Hit::sampleId))
                .setHeader("#").setAutoWidth(true).setFlexGrow(0);
        addColumn(LitRenderer.<Hit>of("""
                <div><span data-testid="hit-instruction" .innerHTML=${item.instruction}></span>
                <div data-testid="hit-caption" ?hidden=${!item.caption} .innerHTML=${item.caption}
                     style="font-size: var(--lumo-font-size-xs); color: var(--lumo-secondary-text-color)"></div></div>""")
                .withProperty("instruction", SearchResultsGrid::instructionHtml)
                .withProperty("caption", SearchResultsGrid::captionHtml))
                .setHeader("Instruction").setFlexGrow(1);
        addColumn(LitRenderer.<Hit>of("<span data-testid=\"hit-why\" data-matched-by=${item.by}>${item.why}</span>")
                .withProperty("by", h -> h.matchedBy().name())
                .withProperty("why", SearchResultsGrid::why))
                .setHeader("Matched").setAutoWidth(true).setFlexGrow(0);
        addColumn(h -> h.category().toLowerCase(Locale.ROOT).replace('_', ' ')).setHeader("Category").setAutoWidth(true).setFlexGrow(0);
        addColumn(Hit::status).setHeader("Status").setAutoWidth(true).setFlexGrow(0);
        addColumn(LitRenderer.<Hit>of("<span data-testid=\"hit-tags\">${item.tags}</span>")
                .withProperty("tags", h -> String.join(", ", h.tags())))
                .setHeader("Tags").setWidth("10em").setFlexGrow(0);
        addColumn(h -> h.judgeScore() == null ? "" : String.format(Locale.ROOT, "%.2f", h.judgeScore()))
                .setHeader("Judge").setAutoWidth(true).setFlexGrow(0);
        addColumn(LitRenderer.<Hit>of("""
                <vaadin-button theme="small tertiary" data-testid="more-like-this" data-sample-id=${item.id}
                               title="Samples like this one" @click=${similar}>Similar</vaadin-button>
                <vaadin-button theme="small tertiary" data-testid="open-sample" data-sample-id=${item.id}
                               title="Watch this sample" @click=${open}>Open</vaadin-button>""")
                .withProperty("id", Hit::sampleId)
                .withFunction("similar", moreLikeThis::accept)
                .withFunction("open", open::accept))
                // frozen to the end: the row's actions stay in view however wide the other columns make the grid
                .setHeader("").setAutoWidth(true).setFlexGrow(0).setFrozenToEnd(true);
        setSizeFull();
    }

    /** Shows {@code hits}, and lists their ids on the grid for anyone reading the page (tests, extensions). */
    void show(List<Hit> hits) {
        setItems(hits);
        getElement().setAttribute("data-sample-ids", hits.stream().map(h -> Long.toString(h.sampleId())).collect(Collectors.joining(",")));
    }

    /** Why the hit is in the results: its words (emphasised in the instruction), or similar by meaning with its score. */
    static String why(Hit hit) {
        return switch (hit.matchedBy()) {
            case WORDS -> "words";
            case MEANING -> String.format(Locale.ROOT, "similar by meaning (%.2f)", hit.score());
            case FILTERS -> "";
        };
    }

    /** The instruction as HTML: the highlight when it matched, else the plain text escaped. */
    static String instructionHtml(Hit hit) {
        List<String> fragments = hit.highlights().getOrDefault("instruction", List.of());
        return fragments.isEmpty() ? Entities.escape(hit.instruction()) : emphasisOnly(String.join(" … ", fragments));
    }

    /** The caption's matching fragment as HTML, or empty when the caption did not match. */
    static String captionHtml(Hit hit) {
        List<String> fragments = hit.highlights().getOrDefault("caption", List.of());
        return fragments.isEmpty() ? "" : "Caption: " + emphasisOnly(String.join(" … ", fragments));
    }

    /**
     * Elasticsearch escapes the indexed text in highlights ({@code encoder: html}); this keeps {@code <em>} and drops
     * any other tag all the same, so no text from a sample can become markup in a curator's browser.
     */
    private static String emphasisOnly(String fragment) {
        return Jsoup.clean(fragment, EMPHASIS_ONLY);
    }
}
