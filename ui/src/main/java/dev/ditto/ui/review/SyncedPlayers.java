package dev.ditto.ui.review;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.dom.Element;
import dev.ditto.curation.ReviewItem;
import dev.ditto.ui.shared.MediaUrls;
import dev.ditto.ui.shared.Video;
import org.jspecify.annotations.Nullable;

/**
 * The source and edited videos side by side, played in sync by one control (play/pause, seek, loop). Two slots of
 * players exist: the visible one and a hidden one that preloads the next sample, so advancing is a swap of slots and
 * the next sample plays at once. The syncing runs in the browser (a small script), never through the server.
 */
class SyncedPlayers extends Div {
    private static final String CONTROLLER = """
            const root = this;
            if (root.__sync) { return; }
            const q = s => root.querySelector(s);
            const active = () => [q('[data-testid=video-source]'), q('[data-testid=video-edited]')];
            const button = q('[data-testid=play-pause]');
            const seek = q('[data-testid=seek]');
            const loop = q('[data-testid=loop]');
            const time = q('[data-testid=time]');
            const fmt = t => isFinite(t) ? t.toFixed(1) + ' s' : '–';
            const ctl = root.__sync = {
              play() { const [s, e] = active(); if (!s || !s.src) return;
                       if (Math.abs(e.currentTime - s.currentTime) > 0.001) e.currentTime = s.currentTime;
                       Promise.all([s.play(), e.play()]).catch(() => {}); },
              pause() { active().forEach(v => v && v.pause()); },
              toggle() { const [s] = active(); if (!s) return; s.paused ? ctl.play() : ctl.pause(); },
              // a seek to where a video already is would still make it drop its decoded frame and decode it again
              seek(t) { active().forEach(v => { if (v && Math.abs(v.currentTime - t) > 0.001) v.currentTime = t; }); },
              // A decision key: show the preloaded sample at once, before the server's answer (which makes the same
              // swap); returns the texts of the sample now on screen, or null when nothing is preloaded.
              swapToPreloaded() {
                const slots = [...root.querySelectorAll('[data-sample-id]')];
                const shown = slots.find(s => s.style.display !== 'none');
                const next = slots.find(s => s !== shown);
                if (!shown || !next || !next.getAttribute('data-sample-id')) return null;
                const [os, oe] = shown.querySelectorAll('video');
                const [ns, ne] = next.querySelectorAll('video');
                os.setAttribute('data-testid', 'prefetch-source'); oe.setAttribute('data-testid', 'prefetch-edited');
                ns.setAttribute('data-testid', 'video-source'); ne.setAttribute('data-testid', 'video-edited');
                shown.style.display = 'none';
                next.style.display = 'grid';
                ctl.activate();
                return next.dataset;
              },
              // The server's answer: the slot holding sample `id` is the one on screen. A key press swapped slots here
              // without the server (swapToPreloaded); when the server then shows another sample, or the two crossed,
              // its unchanged styles are not sent again, so the page is set from the slots' sample ids, which only
              // the server writes.
              showSample(id) {
                root.querySelectorAll('[data-sample-id]').forEach(slot => {
                  const on = slot.getAttribute('data-sample-id') === id;
                  const [s, e] = slot.querySelectorAll('video');
                  slot.style.display = on ? 'grid' : 'none';
                  if (s) s.setAttribute('data-testid', on ? 'video-source' : 'prefetch-source');
                  if (e) e.setAttribute('data-testid', on ? 'video-edited' : 'prefetch-edited');
                });
                ctl.activate();
              },
              // the slot going out of view only pauses: it is loaded with the next sample or rewound when shown again
              activate() {
                root.querySelectorAll('video').forEach(v => { if (!active().includes(v)) v.pause(); });
                ctl.seek(0); ctl.play();
              },
              update() { const [s] = active(); if (!s) return;
                         button.textContent = s.paused ? '▶ Play' : '❚❚ Pause';
                         if (s.duration) { seek.value = Math.round(1000 * s.currentTime / s.duration); }
                         time.textContent = fmt(s.currentTime) + ' / ' + fmt(s.duration); }
            };
            button.addEventListener('click', () => ctl.toggle());
            seek.addEventListener('input', () => { const [s] = active(); if (s && s.duration) ctl.seek(seek.value / 1000 * s.duration); });
            root.querySelectorAll('video').forEach(v => {
              v.addEventListener('timeupdate', () => {
                const [s, e] = active();
                if (v !== s) return;
                if (e && !e.paused && Math.abs(e.currentTime - s.currentTime) > 0.15) e.currentTime = s.currentTime;
                ctl.update();
              });
              v.addEventListener('ended', () => {
                const [s, e] = active();
                if (v !== s && v !== e) return;
                if (loop.checked) { ctl.seek(0); ctl.play(); } else { ctl.pause(); ctl.update(); }
              });
              v.addEventListener('play', () => ctl.update());
              v.addEventListener('pause', () => ctl.update());
            });
            """;

    private final Slot[] slots = {new Slot(), new Slot()};
    private int active;

    SyncedPlayers() {
        getElement().setAttribute("data-ditto-players", true);
        Div stage = new Div(slots[0].root, slots[1].root);
        stage.setWidthFull();
        Element play = new Element("button");
        play.setAttribute("data-testid", "play-pause");
        play.setAttribute("type", "button");
        play.setText("▶ Play");
        Element seek = new Element("input");
        seek.setAttribute("type", "range");
        seek.setAttribute("min", "0");
        seek.setAttribute("max", "1000");
        seek.setAttribute("value", "0");
        seek.setAttribute("data-testid", "seek");
        seek.setAttribute("aria-label", "Position in both videos");
        seek.getStyle().set("flex", "1");
        Element loop = new Element("input");
        loop.setAttribute("type", "checkbox");
        loop.setAttribute("checked", true);
        loop.setAttribute("data-testid", "loop");
        loop.setAttribute("id", "ditto-loop");
        Element loopLabel = new Element("label");
        loopLabel.setAttribute("for", "ditto-loop");
        loopLabel.setText("Loop");
        Span time = new Span("–");
        time.getElement().setAttribute("data-testid", "time");
        time.getStyle().set("min-width", "8em").set("font-variant-numeric", "tabular-nums");
        Div controls = new Div();
        controls.getElement().appendChild(play, seek, loop, loopLabel);
        controls.add(time);
        controls.getStyle().set("display", "flex").set("gap", "var(--lumo-space-s)").set("align-items", "center")
                .set("margin-top", "var(--lumo-space-xs)");
        add(stage, controls);
        setWidthFull();
        render();
    }

    @Override
    protected void onAttach(AttachEvent event) {
        getElement().executeJs(CONTROLLER);
    }

    /** Shows {@code item}: a swap when the hidden slot preloaded it, else loads it into the visible slot. */
    void show(ReviewItem item) {
        if (slots[1 - active].sampleId == item.sampleId()) {
            active = 1 - active;
        } else if (slots[active].sampleId != item.sampleId()) {
            slots[active].load(item);
        }
        render();
        getElement().executeJs("this.__sync && this.__sync.showSample($0)", String.valueOf(item.sampleId()));
    }

    /** Preloads {@code item} in the hidden slot (nothing when it is already on screen). */
    void preload(@Nullable ReviewItem item) {
        Slot hidden = slots[1 - active];
        if (item == null) {
            hidden.clear();
        } else if (slots[active].sampleId != item.sampleId()) {
            hidden.load(item);
        }
    }

    /** Stops playback and empties both slots. */
    void clear() {
        slots[0].clear();
        slots[1].clear();
        render();
    }

    private void render() {
        for (int i = 0; i < 2; i++) {
            boolean visible = i == active;
            Slot slot = slots[i];
            slot.root.getStyle().set("display", visible ? "grid" : "none");
            slot.source.setTestId(visible ? "video-source" : "prefetch-source");
            slot.edited.setTestId(visible ? "video-edited" : "prefetch-edited");
            slot.root.getElement().setAttribute("data-sample-id", slot.sampleId < 0 ? "" : String.valueOf(slot.sampleId));
            slot.root.getElement().setAttribute("data-instruction", slot.instruction);
            slot.root.getElement().setAttribute("data-category", slot.category);
            slot.root.getElement().setAttribute("data-label", slot.label);
        }
    }

    /** One pair of players. */
    private static final class Slot {
        final Video source = new Video();
        final Video edited = new Video();
        final Div root;
        long sampleId = -1;
        String instruction = "";
        String category = "";
        String label = "";

        Slot() {
            root = new Div(labelled("Source", source), labelled("Edited", edited));
            root.getStyle().set("grid-template-columns", "1fr 1fr").set("gap", "var(--lumo-space-s)");
        }

        void load(ReviewItem item) {
            sampleId = item.sampleId();
            instruction = item.instruction();
            category = ReviewView.categoryLabel(item);
            label = ReviewView.sampleLabel(item);
            source.setSrc(MediaUrls.blob(item.sourceClipKey()));
            edited.setSrc(MediaUrls.blob(item.editedKey()));
        }

        void clear() {
            sampleId = -1;
            instruction = "";
            category = "";
            label = "";
            source.setSrc("");
            edited.setSrc("");
        }

        private static Div labelled(String label, Video video) {
            video.getStyle().set("width", "100%").set("aspect-ratio", "832 / 480").set("background", "#000")
                    .set("border-radius", "var(--lumo-border-radius-m)");
            Span caption = new Span(label);
            caption.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
            Div box = new Div(caption, video);
            box.getStyle().set("display", "flex").set("flex-direction", "column").set("min-width", "0");
            return box;
        }
    }
}
