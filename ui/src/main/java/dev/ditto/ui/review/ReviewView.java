package dev.ditto.ui.review;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.security.AuthenticationContext;
import dev.ditto.curation.Agreement;
import dev.ditto.curation.CuratorDecision;
import dev.ditto.curation.HistoryEntry;
import dev.ditto.curation.ReasonCode;
import dev.ditto.curation.ReviewConflictException;
import dev.ditto.curation.ReviewItem;
import dev.ditto.curation.ReviewService;
import dev.ditto.curation.ReviewStats;
import jakarta.annotation.security.RolesAllowed;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.security.concurrent.DelegatingSecurityContextRunnable;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The review loop. Keys: A accept, R reject (1–7 pick the reason, Enter confirms), S skip, U undo, ← / → through
 * the curator's own past decisions, Space play/pause. The next sample is claimed and its videos preloaded while the
 * current one is on screen, so a decision swaps to a sample that is ready to play.
 */
@Route("review")
@PageTitle("Review · Ditto")
@Menu(title = "Review", order = 1, icon = "vaadin:check-square-o")
@RolesAllowed({"CURATOR", "ADMIN"})
public class ReviewView extends VerticalLayout {
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "review-timers");
        t.setDaemon(true);
        return t;
    });
    private static final java.util.concurrent.ExecutorService BACKGROUND = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "review-prefetch");
        t.setDaemon(true);
        return t;
    });
    private static final String KEYS = """
            const view = this;
            if (window.__dittoReviewKeys) document.removeEventListener('keydown', window.__dittoReviewKeys, true);
            window.__dittoReviewKeys = e => {
              if (!view.isConnected || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
              const t = e.composedPath()[0];
              const typing = t && ((t.tagName === 'INPUT' && t.type !== 'checkbox' && t.type !== 'range')
                                   || t.tagName === 'TEXTAREA' || t.isContentEditable);
              const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
              if (typing && key !== 'Enter') return;
              if (key === ' ') {
                const p = view.querySelector('[data-ditto-players]');
                if (p && p.__sync) { e.preventDefault(); p.__sync.toggle(); }
                return;
              }
              if (!['a','r','s','u','ArrowLeft','ArrowRight','Enter','1','2','3','4','5','6','7'].includes(key)) return;
              if (key === 'Enter' && t && t.tagName === 'TEXTAREA' && e.shiftKey) return;
              e.preventDefault();
              e.stopPropagation();
              const dialog = document.querySelector('vaadin-dialog[data-testid=reason-dialog]');
              const banner = view.querySelector('[data-testid=history-banner]');
              const players = view.querySelector('[data-ditto-players]');
              if ((key === 'a' || key === 's') && !(dialog && dialog.opened) && !(banner && !banner.hidden)
                  && players && players.__sync) {
                // the decision's next sample is already preloaded: put it on screen now, the server confirms it
                const next = players.__sync.swapToPreloaded();
                if (next) {
                  // write into the text nodes the server owns (never replace them): its answer then swaps them as usual
                  const write = (id, text) => { const el = view.querySelector('[data-testid=' + id + ']');
                    if (el && el.firstChild && el.firstChild.nodeType === Node.TEXT_NODE) el.firstChild.nodeValue = text; };
                  write('instruction', next.instruction);
                  write('category', next.category);
                  write('sample-id', next.label);
                }
              }
              view.$server.onKey(key);
            };
            document.addEventListener('keydown', window.__dittoReviewKeys, true);""";

    private final ReviewService reviews;
    private final String username;
    private final SyncedPlayers players = new SyncedPlayers();
    private final SampleDetails details = new SampleDetails();
    private final ReasonDialog reasonDialog = new ReasonDialog(this::reject);
    private final Span instruction = new Span();
    private final Span category = new Span();
    private final Span sampleId = new Span();
    private final Span remaining = new Span();
    private final Span decidedToday = new Span();
    private final Span agreement = new Span();
    private final Span lastDecision = new Span();
    private final Div historyBanner = new Div();
    private final Div workspace = new Div();
    private final Div empty = new Div();

    private @Nullable ReviewItem current;
    private @Nullable ReviewItem prefetched;
    private @Nullable List<HistoryEntry> history;
    private int historyIndex = -1;
    private int decisionsSinceAgreement;
    private @Nullable ScheduledFuture<?> timer;

    public ReviewView(ReviewService reviews, AuthenticationContext auth) {
        this.reviews = reviews;
        this.username = auth.getPrincipalName().orElseThrow();
        setWidthFull();
        testId(instruction, "instruction");
        instruction.getStyle().set("font-size", "var(--lumo-font-size-xl)").set("font-weight", "600");
        testId(category, "category");
        category.getElement().getThemeList().add("badge");
        testId(sampleId, "sample-id");
        sampleId.getStyle().set("color", "var(--lumo-secondary-text-color)");
        testId(remaining, "queue-remaining");
        testId(decidedToday, "decided-today");
        testId(agreement, "agreement");
        testId(lastDecision, "last-decision");
        testId(historyBanner, "history-banner");
        historyBanner.getStyle().set("background", "var(--lumo-contrast-10pct)").set("padding", "var(--lumo-space-xs) var(--lumo-space-s)")
                .set("border-radius", "var(--lumo-border-radius-m)");
        historyBanner.setVisible(false);

        HorizontalLayout counters = new HorizontalLayout(remaining, decidedToday, agreement, lastDecision);
        counters.getStyle().set("flex-wrap", "wrap").set("font-size", "var(--lumo-font-size-s)");
        HorizontalLayout title = new HorizontalLayout(category, instruction, sampleId);
        title.setAlignItems(FlexComponent.Alignment.BASELINE);
        title.getStyle().set("flex-wrap", "wrap");

        Div left = new Div(players, actions());
        left.getStyle().set("flex", "3 1 36em").set("min-width", "0");
        details.getStyle().set("flex", "1 1 18em").set("min-width", "0");
        Div columns = new Div(left, details);
        columns.getStyle().set("display", "flex").set("gap", "var(--lumo-space-l)").set("flex-wrap", "wrap");
        workspace.add(historyBanner, title, columns);
        workspace.setWidthFull();

        testId(empty, "review-empty");
        Button again = new Button("Check again", e -> advance());
        testId(again, "check-again");
        empty.add(new H2("Nothing to review right now"),
                new Paragraph("The queue is empty. Samples appear here as soon as the judge passes them; this page looks "
                        + "again every few seconds."), again);
        empty.setVisible(false);

        add(new H2("Review"), counters, workspace, empty);
    }

    private HorizontalLayout actions() {
        Button accept = action("Accept (A)", "accept", this::accept);
        accept.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_SUCCESS);
        Button reject = action("Reject (R)", "reject", reasonDialog::ask);
        reject.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        HorizontalLayout bar = new HorizontalLayout(accept, reject, action("Skip (S)", "skip", this::skip),
                action("Undo (U)", "undo", this::undo), action("← Back", "history-back", this::back),
                action("Forward →", "history-forward", this::forward));
        bar.getStyle().set("flex-wrap", "wrap").set("margin-top", "var(--lumo-space-m)");
        return bar;
    }

    private static Button action(String label, String testId, Runnable run) {
        Button button = new Button(label, e -> run.run());
        testId(button, testId);
        return button;
    }

    /** A key from the page's key listener. */
    @ClientCallable
    void onKey(String key) {
        if (reasonDialog.isOpened()) {
            if (key.length() == 1 && Character.isDigit(key.charAt(0))) {
                reasonDialog.pick(key.charAt(0) - '0');
            } else if (key.equals("Enter")) {
                reasonDialog.confirm();
            }
            return;
        }
        switch (key) {
            case "a" -> accept();
            case "r" -> { if (live() != null) reasonDialog.ask(); }
            case "s" -> skip();
            case "u" -> undo();
            case "ArrowLeft" -> back();
            case "ArrowRight" -> forward();
            default -> { }
        }
    }

    private void accept() {
        decide(CuratorDecision.accept());
    }

    private void reject(ReasonCode reason, @Nullable String note) {
        decide(CuratorDecision.reject(reason, note));
    }

    private void skip() {
        decide(CuratorDecision.skip());
    }

    /** The queue item on screen, or null while browsing history or with an empty queue. */
    private @Nullable ReviewItem live() {
        if (historyIndex >= 0) {
            Notification.show("You are looking at a past decision: press → to return to the queue.");
            return null;
        }
        return current;
    }

    private void decide(CuratorDecision decision) {
        ReviewItem item = live();
        if (item == null) {
            return;
        }
        try {
            var result = reviews.decide(username, item.sampleId(), decision);
            lastDecision.setText(switch (decision.decision()) {
                case ACCEPT -> "Accepted";
                case REJECT -> "Rejected (" + decision.reason().label() + ")";
                case SKIP -> "Skipped";
            } + " #" + item.sampleId() + (result.adjudication() ? " · the reviews disagree: a lead decides"
                    : result.statusAfter().equals("IN_REVIEW") && decision.decision() != dev.ditto.curation.ReviewDecision.SKIP
                    ? " · waits for another review" : ""));
            decisionsSinceAgreement++;
        } catch (ReviewConflictException e) {
            warn(e.getMessage() + " Moving on.");
        }
        current = null;
        advance();
    }

    private void undo() {
        Optional<ReviewItem> back = reviews.undo(username);
        if (back.isEmpty()) {
            Notification.show("Nothing to undo.");
            return;
        }
        ReviewItem item = back.get();
        lastDecision.setText("Undid your decision on #" + item.sampleId());
        if (!item.status().equals("IN_REVIEW") || item.leaseExpiresAt() == null) {
            warn("Sample " + item.sampleId() + " is " + item.status() + " and stays out of the queue.");
            refreshCounters();
            return;
        }
        if (prefetched != null && (current == null || prefetched.sampleId() != current.sampleId())) {
            reviews.release(username, prefetched.sampleId());
        }
        prefetched = current;
        current = item;
        historyIndex = -1;
        history = null;
        showCurrent();
    }

    private void back() {
        if (history == null) {
            history = reviews.history(username, 100);
        }
        if (historyIndex + 1 >= history.size()) {
            Notification.show(history.isEmpty() ? "No decisions yet." : "That is your oldest decision shown here.");
            return;
        }
        historyIndex++;
        showHistory();
    }

    private void forward() {
        if (historyIndex < 0) {
            return;
        }
        historyIndex--;
        if (historyIndex < 0) {
            showCurrent();
        } else {
            showHistory();
        }
    }

    private void showHistory() {
        HistoryEntry entry = history.get(historyIndex);
        Optional<ReviewItem> item = reviews.item(entry.sampleId());
        if (item.isEmpty()) {
            warn("Sample " + entry.sampleId() + " no longer exists.");
            return;
        }
        historyBanner.setText("Your decision " + (historyIndex + 1) + " back: " + entry.decision()
                + (entry.reason() == null ? "" : " · " + entry.reason().label())
                + (entry.undoneAt() == null ? "" : " (undone)") + " · now " + entry.sampleStatus()
                + ". Press → to go forward, U to undo your latest decision.");
        historyBanner.setVisible(true);
        render(item.get());
    }

    /** Moves to the prefetched sample (or claims one), then prefetches the one after it. */
    private void advance() {
        history = null;
        historyIndex = -1;
        current = prefetched;
        prefetched = null;
        if (current == null) {
            current = reviews.next(username).orElse(null);
        }
        showCurrent();
    }

    private void showCurrent() {
        historyBanner.setVisible(false);
        if (current == null) {
            workspace.setVisible(false);
            empty.setVisible(true);
            players.clear();
            refreshCounters();
            return;
        }
        render(current);
        if (prefetched != null) {
            players.preload(prefetched);
            refreshCountersLater();
            return;
        }
        // claiming the sample after this one and counting the queue happen after this response (pushed when ready),
        // so a decision's round trip carries only the decision and the swap to the preloaded sample
        UI ui = UI.getCurrent();
        long onScreen = current.sampleId();
        boolean agreementDue = agreementDue();
        BACKGROUND.execute(new DelegatingSecurityContextRunnable(() -> {
            Optional<ReviewItem> next = reviews.next(username, List.of(onScreen));
            Counters counters = counters(agreementDue);
            ui.access(() -> {
                if (current != null && current.sampleId() == onScreen && prefetched == null && historyIndex < 0) {
                    prefetched = next.orElse(null);
                    players.preload(prefetched);
                } else {
                    next.ifPresent(n -> reviews.release(username, n.sampleId()));
                }
                show(counters);
            });
        }, SecurityContextHolder.getContext()));
    }

    /** Counts the queue on a background thread, outside the session's lock, and shows the figures when ready. */
    private void refreshCountersLater() {
        UI ui = UI.getCurrent();
        boolean agreementDue = agreementDue();
        BACKGROUND.execute(new DelegatingSecurityContextRunnable(() -> {
            Counters counters = counters(agreementDue);
            ui.access(() -> show(counters));
        }, SecurityContextHolder.getContext()));
    }

    private void render(ReviewItem item) {
        workspace.setVisible(true);
        empty.setVisible(false);
        instruction.setText(item.instruction());
        category.setText(categoryLabel(item));
        sampleId.setText(sampleLabel(item));
        details.show(item);
        players.show(item);
    }

    static String categoryLabel(ReviewItem item) {
        return item.category().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    static String sampleLabel(ReviewItem item) {
        return "#" + item.sampleId() + " · " + item.sourceName();
    }

    private void refreshCounters() {
        show(counters(agreementDue()));
    }

    /** The queue's figures, and the agreement when it is due (every 20 decisions). */
    private record Counters(ReviewStats stats, @Nullable Agreement agreement) {}

    /** Whether the agreement is to be read again; UI state, so read under the session's lock. */
    private boolean agreementDue() {
        return decisionsSinceAgreement == 0 || decisionsSinceAgreement >= 20 || agreement.getText().isEmpty();
    }

    /** Database reads only: safe on a background thread. */
    private Counters counters(boolean agreementDue) {
        return new Counters(reviews.stats(username), agreementDue ? reviews.agreement() : null);
    }

    private void show(Counters counters) {
        ReviewStats stats = counters.stats();
        remaining.setText("Queue: " + stats.remainingLabel() + " left for you (" + stats.inReview() + " in review)");
        decidedToday.setText("Your decisions today: " + stats.decidedToday());
        Agreement a = counters.agreement();
        if (a != null) {
            decisionsSinceAgreement = 0;
            agreement.setText("Agreement · curators " + figure(a.curatorPercent(), a.curatorKappa(), a.curatorPairs(), "pairs")
                    + " · with judge " + figure(a.judgePercent(), a.judgeKappa(), a.judgeComparisons(), "decisions"));
        }
    }

    private static String figure(@Nullable Double percent, @Nullable Double kappa, long n, String unit) {
        if (percent == null) {
            return "– (no " + unit + " yet)";
        }
        return String.format(Locale.ROOT, "%.0f%% (κ %s, %d %s)", percent,
                kappa == null ? "–" : String.format(Locale.ROOT, "%.2f", kappa), n, unit);
    }

    private static void warn(String message) {
        Notification n = Notification.show(message, 4000, Notification.Position.BOTTOM_START);
        n.addThemeVariants(NotificationVariant.LUMO_WARNING);
    }

    private static void testId(com.vaadin.flow.component.Component c, String id) {
        c.getElement().setAttribute("data-testid", id);
    }

    @Override
    protected void onAttach(AttachEvent event) {
        getElement().executeJs(KEYS);
        advance();
        UI ui = event.getUI();
        var security = SecurityContextHolder.getContext();
        timer = TIMERS.scheduleWithFixedDelay(new DelegatingSecurityContextRunnable(() -> ui.access(this::tick), security),
                10, 10, TimeUnit.SECONDS);
    }

    /** Every few seconds: look for work when the queue was empty, and keep the leases on screen alive. */
    private void tick() {
        if (current == null) {
            if (historyIndex < 0) {
                advance();
            }
            return;
        }
        List<Long> held = new ArrayList<>();
        held.add(current.sampleId());
        if (prefetched != null) {
            held.add(prefetched.sampleId());
        }
        reviews.renew(username, held);
        refreshCountersLater();
    }

    @Override
    protected void onDetach(DetachEvent event) {
        if (timer != null) {
            timer.cancel(false);
        }
        getElement().executeJs("if (window.__dittoReviewKeys) document.removeEventListener('keydown', window.__dittoReviewKeys, true);");
        try {
            if (SecurityContextHolder.getContext().getAuthentication() != null) {
                if (current != null) {
                    reviews.release(username, current.sampleId());
                }
                if (prefetched != null) {
                    reviews.release(username, prefetched.sampleId());
                }
            }
        } catch (RuntimeException e) {
            // The leases run out by themselves; releasing early only helps other curators.
        }
    }
}
