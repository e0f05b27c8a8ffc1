package dev.ditto.ui.shared;

import com.vaadin.flow.component.HtmlComponent;
import com.vaadin.flow.component.Tag;

/** A plain HTML {@code <video>} element (vaadin-core ships none): muted, inline, preloading, without native controls. */
@Tag("video")
public class Video extends HtmlComponent {

    public Video() {
        getElement().setProperty("muted", true);
        getElement().setAttribute("muted", true);
        getElement().setAttribute("playsinline", true);
        getElement().setAttribute("preload", "auto");
    }

    /** Sets the source URL; an empty value removes it. */
    public void setSrc(String url) {
        if (url.isEmpty()) {
            getElement().removeAttribute("src");
        } else {
            getElement().setAttribute("src", url);
        }
    }

    public String getSrc() {
        return getElement().getAttribute("src") == null ? "" : getElement().getAttribute("src");
    }

    /** Shows the browser's own controls. */
    public void setControls(boolean controls) {
        getElement().setAttribute("controls", controls);
    }

    public void setTestId(String testId) {
        getElement().setAttribute("data-testid", testId);
    }
}
