package dev.ditto.runner.clip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * CLIP's tokenizer (OpenAI's {@code SimpleTokenizer}, as the Hugging Face {@code tokenizer.json} of a CLIP model
 * holds it): NFC, white space folded, lower case, CLIP's split pattern, bytes mapped to unicode as GPT-2 does, then
 * byte-pair merges by rank with {@code </w>} closing each word; {@code <|startoftext|>} first, {@code <|endoftext|>}
 * last, padded with {@code <|endoftext|>} (as open_clip and the ONNX exports do) to the context length.
 */
public final class ClipTokenizer {
    public static final String START = "<|startoftext|>";
    public static final String END = "<|endoftext|>";
    private static final Pattern SPLIT = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+");
    private static final String[] BYTES = byteToUnicode();

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> ranks;
    private final int start;
    private final int end;
    private final int contextLength;
    private final Map<String, List<String>> cache = new HashMap<>();

    ClipTokenizer(Map<String, Integer> vocab, List<String> merges, int contextLength) {
        this.vocab = Map.copyOf(vocab);
        Map<String, Integer> r = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            r.putIfAbsent(merges.get(i), i);
        }
        this.ranks = Map.copyOf(r);
        this.start = id(START);
        this.end = id(END);
        this.contextLength = contextLength;
    }

    /** Reads the BPE model (vocabulary, merges) and special tokens of a Hugging Face {@code tokenizer.json}. */
    public static ClipTokenizer load(Path tokenizerJson, int contextLength) throws IOException {
        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(tokenizerJson));
        JsonNode model = root.path("model");
        if (!model.path("type").asString("BPE").equals("BPE") || !model.path("vocab").isObject()) {
            throw new IOException(tokenizerJson + " holds no BPE model (a CLIP tokenizer.json has model.type BPE)");
        }
        Map<String, Integer> vocab = new HashMap<>();
        model.path("vocab").properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        for (JsonNode added : root.path("added_tokens")) {
            vocab.put(added.path("content").asString(), added.path("id").asInt());
        }
        List<String> merges = new ArrayList<>();
        for (JsonNode m : model.path("merges")) {
            merges.add(m.isArray() ? m.get(0).asString() + " " + m.get(1).asString() : m.asString());
        }
        return new ClipTokenizer(vocab, merges, contextLength);
    }

    /** The token ids of {@code text}: start, the text's tokens (cut to fit), end, then end tokens to the context length. */
    public long[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        String clean = Normalizer.normalize(text, Normalizer.Form.NFC).replaceAll("\\s+", " ").strip()
                .toLowerCase(Locale.ROOT);
        Matcher m = SPLIT.matcher(clean);
        while (m.find()) {
            String token = m.group();
            if (token.equals(START) || token.equals(END)) {
                ids.add(id(token));
                continue;
            }
            StringBuilder mapped = new StringBuilder();
            for (byte b : token.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                mapped.append(BYTES[b & 0xff]);
            }
            for (String piece : bpe(mapped.toString())) {
                Integer id = vocab.get(piece);
                if (id != null) {
                    ids.add(id);
                }
            }
        }
        long[] out = new long[contextLength];
        java.util.Arrays.fill(out, end);
        out[0] = start;
        int n = Math.min(ids.size(), contextLength - 2);
        for (int i = 0; i < n; i++) {
            out[i + 1] = ids.get(i);
        }
        out[n + 1] = end;
        return out;
    }

    /** How many ids of {@link #encode} are the text's own (start and end included): the attention mask's ones. */
    public int length(long[] ids) {
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] == end) {
                return i + 1;
            }
        }
        return ids.length;
    }

    private List<String> bpe(String token) {
        List<String> cached = cache.get(token);
        if (cached != null) {
            return cached;
        }
        List<String> word = new ArrayList<>();
        token.codePoints().forEach(cp -> word.add(new String(Character.toChars(cp))));
        word.set(word.size() - 1, word.getLast() + "</w>");
        while (word.size() > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < word.size(); i++) {
                Integer rank = ranks.get(word.get(i) + " " + word.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            String first = word.get(best);
            String second = word.get(best + 1);
            List<String> merged = new ArrayList<>();
            for (int i = 0; i < word.size(); i++) {
                if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i++;
                } else {
                    merged.add(word.get(i));
                }
            }
            word.clear();
            word.addAll(merged);
        }
        List<String> result = List.copyOf(word);
        if (cache.size() < 10_000) {
            cache.put(token, result);
        }
        return result;
    }

    private int id(String special) {
        Integer id = vocab.get(special);
        if (id == null) {
            throw new IllegalArgumentException("the CLIP vocabulary has no " + special);
        }
        return id;
    }

    /** GPT-2's reversible map from bytes to printable unicode characters. */
    private static String[] byteToUnicode() {
        String[] map = new String[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = new String(Character.toChars(printable ? b : 256 + n++));
        }
        return map;
    }
}
