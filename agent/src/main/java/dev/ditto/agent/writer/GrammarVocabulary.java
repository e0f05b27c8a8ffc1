package dev.ditto.agent.writer;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The phrase tables of the taxonomy grammar: surface templates per operator and the words that fill them. */
final class GrammarVocabulary {

    private GrammarVocabulary() {}

    /** How a painterly style is named: as a whole-frame look, as a figure (singular|plural) and as a short name. */
    record StyleWords(List<String> looks, List<String> figures, List<String> pluralFigures) {}

    /** How a colour grade is named: as a filming condition, as a look and as a kind of light. */
    record GradeWords(List<String> conditions, List<String> looks, List<String> lights) {}

    /** A named colour with its hue (degrees) and a representative {@code #rrggbb}. */
    record NamedColour(String name, double hue, String hex) {}

    static final Map<String, StyleWords> STYLES = Map.of(
            "stylize", new StyleWords(
                    List.of("a painterly illustration", "an expressive digital painting", "a stylised painting with soft brush strokes"),
                    List.of("a painted figure", "a painterly version of themselves"),
                    List.of("painted figures", "painterly versions of themselves")),
            "pencil_sketch", new StyleWords(
                    List.of("a graphite pencil sketch", "a black-and-white pencil drawing", "a hand-drawn charcoal sketch"),
                    List.of("a pencil-sketched figure", "a charcoal drawing of themselves"),
                    List.of("pencil-sketched figures", "charcoal drawings of themselves")),
            "colour_pencil", new StyleWords(
                    List.of("a coloured-pencil drawing", "a crayon illustration", "a soft colour-pencil sketch"),
                    List.of("a coloured-pencil drawing of themselves", "a crayon-drawn figure"),
                    List.of("coloured-pencil drawings of themselves", "crayon-drawn figures")),
            "cartoon", new StyleWords(
                    List.of("a cartoon", "a cel-shaded animation", "a comic-book panel", "a frame from an animated film"),
                    List.of("a cartoon character", "a cel-shaded animated figure"),
                    List.of("cartoon characters", "cel-shaded animated figures")),
            "oil_paint", new StyleWords(
                    List.of("an oil painting", "a thick impasto oil painting", "a classical oil painting on canvas"),
                    List.of("an oil-painted figure", "a figure from a classical oil painting"),
                    List.of("oil-painted figures", "figures from a classical oil painting")),
            "watercolour", new StyleWords(
                    List.of("a watercolour painting", "a soft watercolour wash", "a loose watercolour sketch"),
                    List.of("a watercolour figure", "a soft watercolour silhouette"),
                    List.of("watercolour figures", "soft watercolour silhouettes")),
            "pixel_art", new StyleWords(
                    List.of("retro pixel art", "an 8-bit video game", "a low-resolution pixel-art scene"),
                    List.of("a pixel-art sprite", "an 8-bit game character"),
                    List.of("pixel-art sprites", "8-bit game characters")),
            "edge_glow", new StyleWords(
                    List.of("glowing neon line art", "a neon outline drawing", "a glowing wireframe"),
                    List.of("a glowing neon silhouette", "a figure outlined in neon light"),
                    List.of("glowing neon silhouettes", "figures outlined in neon light")));

    static final Map<String, GradeWords> GRADES = Map.of(
            "sunset", new GradeWords(
                    List.of("at sunset", "during a fiery sunset", "as the sun goes down"),
                    List.of("a warm sunset look", "an orange sunset grade"),
                    List.of("the orange glow of a setting sun", "warm sunset light")),
            "night", new GradeWords(
                    List.of("at night", "in the middle of the night", "after dark under moonlight"),
                    List.of("a dark night-time look", "a moonlit night grade"),
                    List.of("cool moonlight", "the deep blue darkness of night")),
            "winter", new GradeWords(
                    List.of("on a freezing winter day", "in the depths of winter", "on a cold, frosty morning"),
                    List.of("a frosty winter look", "an icy blue winter grade"),
                    List.of("cold winter light", "icy blue tones")),
            "autumn", new GradeWords(
                    List.of("on a crisp autumn afternoon", "in late autumn", "in the middle of fall"),
                    List.of("a warm autumn look", "a russet autumn grade"),
                    List.of("rich autumn colours", "warm orange and brown fall tones")),
            "vintage_film", new GradeWords(
                    List.of("on faded 1970s film stock", "with an old analogue film camera", "decades ago on cheap film"),
                    List.of("a faded vintage film look", "a retro film-stock grade"),
                    List.of("muted vintage colours", "the washed-out tones of old film")),
            "noir", new GradeWords(
                    List.of("in black and white for a 1940s noir movie", "as a classic film noir"),
                    List.of("a high-contrast black-and-white noir look", "a moody monochrome noir grade"),
                    List.of("stark black-and-white shadows", "moody monochrome light")),
            "sepia", new GradeWords(
                    List.of("on an antique sepia camera", "a hundred years ago in sepia"),
                    List.of("an antique sepia tone", "an old-photograph sepia look"),
                    List.of("brownish sepia tones", "the warm brown of an old photograph")),
            "cyberpunk", new GradeWords(
                    List.of("in a neon-lit cyberpunk city", "in a futuristic cyberpunk world"),
                    List.of("a neon cyberpunk look", "a magenta-and-cyan cyberpunk grade"),
                    List.of("magenta and cyan neon light", "glowing cyberpunk neon")),
            "golden_hour", new GradeWords(
                    List.of("during golden hour", "in the soft light just before sunset"),
                    List.of("a golden-hour look", "a soft golden grade"),
                    List.of("warm golden-hour sunlight", "soft golden light")),
            "underwater", new GradeWords(
                    List.of("underwater", "deep beneath the sea"),
                    List.of("an underwater look", "a deep-sea blue-green grade"),
                    List.of("murky blue-green water light", "the blue-green tint of deep water")));

    static final List<NamedColour> COLOURS = List.of(
            new NamedColour("red", 0, "#d62828"), new NamedColour("crimson", 350, "#b0123a"),
            new NamedColour("orange", 30, "#f77f00"), new NamedColour("mustard yellow", 48, "#d4a017"),
            new NamedColour("yellow", 56, "#f5d000"), new NamedColour("lime green", 90, "#8cd600"),
            new NamedColour("emerald green", 140, "#1f9d55"), new NamedColour("teal", 175, "#138a8a"),
            new NamedColour("sky blue", 200, "#4aa8e8"), new NamedColour("cobalt blue", 220, "#1f4fbf"),
            new NamedColour("violet", 270, "#7a3cc8"), new NamedColour("purple", 285, "#6a1b9a"),
            new NamedColour("magenta", 305, "#d01a9c"), new NamedColour("hot pink", 330, "#ff3d8b"));

    static final List<String> STYLE_TEMPLATES = List.of(
            "Turn the {scene} into {look}{tail}.",
            "Make this video look like {look}{tail}.",
            "Render the whole clip as {look}{tail}.",
            "Restyle the footage as {look}, keeping all the motion the same.",
            "Transform every frame into {look}{tail}.",
            "Convert the {scene} into {look}{tail}.",
            "Give the entire video the look of {look}.",
            "Repaint the {scene} so it looks like {look}{tail}.",
            "Redraw the video as {look}{tail}.",
            "Make the {scene} appear as if it were {look}.",
            "Change the visual style of the clip to {look}{tail}.",
            "Reimagine the {scene} as {look}{tail}.");

    static final List<String> STYLE_TAILS_LIGHT = List.of(", with a light touch", ", subtly", " while keeping details recognisable");
    static final List<String> STYLE_TAILS_STRONG = List.of(", fully and boldly", " with a strong effect", "");
    static final List<String> STYLE_TAILS_MEDIUM = List.of("", "", " throughout");

    static final List<String> GRADE_TEMPLATES = List.of(
            "Make the {scene} look like it was filmed {cond}.",
            "Give the whole video {look}.",
            "Regrade the footage with {look}.",
            "Shift the colours of the {scene} towards {light}.",
            "Bathe the {scene} in {light}.",
            "Apply {look} to every frame.",
            "Make it feel like the clip was shot {cond}.",
            "Relight the {scene} with {light}.",
            "Recolour the video so it seems filmed {cond}.",
            "Change the mood of the {scene} with {light}.",
            "Turn this into footage shot {cond}.",
            "Grade the {scene} as if it were captured {cond}.");

    static final List<String> SNOW_TEMPLATES = List.of(
            "Add {adj} snowfall over the {scene}.",
            "Make it snow {adverb} across the whole video.",
            "Let {adj} snowflakes drift down through the {scene}.",
            "Add a {adj} snow shower falling in front of the camera.",
            "Fill the air above the {scene} with {adj} falling snow.",
            "Make snowflakes fall {adverb} over the shot.");
    static final List<String> RAIN_TEMPLATES = List.of(
            "Add {adj} rain to the {scene}.",
            "Make it rain {adverb} over the whole clip.",
            "Add a {adj} downpour falling across the frame.",
            "Let {adj} raindrops streak down over the {scene}.",
            "Make the {scene} look caught in a {adj} rain shower.",
            "Overlay {adj} rainfall on every frame.");

    /** Object recolour phrasings; {object} is the detected class's word, {colour} a named colour. */
    static final List<String> OBJECT_RECOLOUR_TEMPLATES = List.of(
            "Make the {object} {colour}.",
            "Paint the {object} {colour} and leave everything else as it is.",
            "Change the colour of the {object} to {colour}.",
            "Turn the {object} a vivid {colour}.",
            "Recolour the {object} in {colour}.");

    /** Object removal phrasings. */
    static final List<String> OBJECT_REMOVE_TEMPLATES = List.of(
            "Remove the {object} from the video.",
            "Erase the {object} and fill in what is behind it.",
            "Make the {object} disappear from the {scene}.",
            "Take the {object} out of the shot.");

    /** Object restyle phrasings; {look} names the style. */
    static final List<String> OBJECT_STYLIZE_TEMPLATES = List.of(
            "Turn only the {object} into {look}.",
            "Render the {object} as {look}, keeping the rest of the {scene} real.",
            "Make the {object} look like {look}.");

    /** Sign phrasings; {text} is the sign's wording, {colour} its board colour. */
    static final List<String> SIGN_TEMPLATES = List.of(
            "Put up a {colour} sign that says \"{text}\" in the {scene}.",
            "Add a {colour} sign reading \"{text}\".",
            "Place a \"{text}\" sign in the {scene}.",
            "Stand a {colour} \"{text}\" sign in the background.");

    /** Words a grammar sign may say. */
    static final List<String> SIGN_TEXTS = List.of("OPEN", "SALE", "WET PAINT", "EXIT", "WELCOME", "NO PARKING",
            "QUIET PLEASE", "STOP", "CAFE");

    /** Sticker phrasings; {shape} is smiley, star or heart. */
    static final List<String> STICKER_TEMPLATES = List.of(
            "Add a {colour} {shape} sticker to the {scene}.",
            "Stick a big {colour} {shape} onto the background.",
            "Put a {colour} {shape} emoji in the corner of the {scene}.");

    static final List<String> RECOLOUR_TEMPLATES = List.of(
            "Change the colour of the {subject}'s clothes to {colour}.",
            "Make the {subject}'s outfit {colour}.",
            "Dress the {subject} in {colour}.",
            "Recolour the {subject} with a {colour} tint.",
            "Turn the {subject}'s clothing a vivid {colour}.",
            "Give the {subject} a {colour} outfit.",
            "Tint the {subject} {colour} and leave the rest of the {scene} unchanged.",
            "Make everything the {subject} {is} wearing {colour}.");

    static final List<String> REPLACE_TEMPLATES = List.of(
            "Replace the {subject} with {figure}.",
            "Swap the {subject} for {figure}, leaving the background untouched.",
            "Turn the {subject} into {figure}.",
            "Change the {subject} into {figure} while the {scene} stays realistic.",
            "Make the {subject} look like {figure} and keep everything else real.",
            "Redraw only the {subject} as {figure}.");

    static final List<String> REMOVE_TEMPLATES = List.of(
            "Remove the {subject} from the video.",
            "Erase the {subject} and fill in the background behind {them}.",
            "Make the {subject} disappear from the {scene}.",
            "Delete the {subject} so only the empty {scene} remains.",
            "Take the {subject} out of the shot.",
            "Edit out the {subject}, keeping the {scene} intact.",
            "Make the {scene} look as if the {subject} {was} never there.");

    static final List<String> BLUR_TEMPLATES = List.of(
            "Blur the background behind the {subject}.",
            "Add a {adj} depth-of-field blur so only the {subject} {is} sharp.",
            "Soften the background with a {adj} blur.",
            "Keep the {subject} in focus and defocus everything behind {them}.",
            "Give the shot a {adj} background blur, like a portrait lens.");
    static final List<String> BACKDROP_COLOUR_TEMPLATES = List.of(
            "Replace the background with a plain {colour} backdrop.",
            "Put the {subject} in front of a solid {colour} wall.",
            "Swap the {scene} behind the {subject} for a flat {colour} background.",
            "Remove the background and fill it with {colour}.");
    static final List<String> BACKDROP_GRADE_TEMPLATES = List.of(
            "Make only the background look like it was filmed {cond}, keeping the {subject} unchanged.",
            "Keep the {subject} as {they} {are} and give the background {look}.",
            "Change just the background to {light}.");
    static final List<String> BACKDROP_STYLE_TEMPLATES = List.of(
            "Turn the background into {look} while the {subject} {stays} realistic.",
            "Keep the {subject} real but repaint the background as {look}.",
            "Restyle only the {scene} behind the {subject} as {look}.");

    /** Scene nouns that may name the setting; anything else in captions or tags is ignored. */
    static final Set<String> SCENE_NOUNS = Set.of(
            "street", "city", "road", "beach", "sea", "ocean", "lake", "river", "forest", "park", "garden", "field",
            "mountain", "desert", "kitchen", "room", "office", "studio", "stage", "market", "square", "stadium", "court",
            "pier", "bridge", "harbour", "village", "alley", "station", "hallway", "classroom", "restaurant", "cafe",
            "shop", "playground", "backyard", "meadow", "highway", "rooftop", "gym", "countryside", "snow", "trail",
            "crosswalk", "sidewalk", "table", "desk", "plaza", "courtyard", "lobby", "corridor", "tabletop");
    static final Set<String> INDOOR = Set.of(
            "kitchen", "room", "office", "studio", "hallway", "classroom", "restaurant", "cafe", "shop", "gym", "stage",
            "table", "desk", "lobby", "corridor", "tabletop");
    static final Set<String> WATERSIDE = Set.of("beach", "sea", "ocean", "lake", "river", "pier", "harbour");
    static final Set<String> URBAN = Set.of("street", "city", "road", "alley", "rooftop", "highway", "station", "crosswalk",
            "sidewalk", "plaza", "square", "market");
    static final Set<String> GREEN = Set.of("forest", "park", "garden", "field", "meadow", "countryside", "trail", "backyard");
    static final List<String> GENERIC_SCENES = List.of("scene", "footage", "shot");

    /** Person nouns a detector tag may give; the plural ones switch templates to plural agreement. */
    static final Set<String> SINGULAR_SUBJECTS = Set.of(
            "man", "woman", "child", "boy", "girl", "dancer", "player", "cyclist", "runner", "skateboarder", "chef",
            "musician", "pedestrian", "athlete", "surfer", "worker");
    static final Set<String> PLURAL_SUBJECTS = Set.of("people", "dancers", "players", "pedestrians", "children");
}
