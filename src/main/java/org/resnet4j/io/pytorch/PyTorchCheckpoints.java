package org.resnet4j.io.pytorch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.io.SafeTensorsFile;
import org.resnet4j.io.TensorEntry;

/**
 * Reads the state dict of a PyTorch checkpoint, a {@code torch.save} zip file ({@code .pth}, {@code .pt}), into the
 * same {@link SafeTensorsFile} the safetensors reader gives, so {@code StateDicts.load} and the converter treat both
 * alike.
 *
 * <p>What is read: an {@code OrderedDict} (or dict) of tensors, at the top level or under a training script's key
 * ({@link #NESTED_KEYS}, or the one {@link StateDictOptions} names), optionally with a prefix such as
 * {@code "module."} stripped; storages of F32, F64, F16, BF16, I64, I32, I16, I8, U8 and BOOL, in either byte order;
 * views with any offset and strides (transposed, channels-last, sliced, expanded), gathered into row-major order;
 * storages shared by several tensors. Element types are kept as saved.
 *
 * <p>Safety: the pickle inside is run by {@link PickleReader}, which allows only the globals in
 * {@link AllowedGlobals} (as {@code torch.load(weights_only=True)} does) and never instantiates a class; the zip is
 * checked by {@link CheckpointArchive}; and the tensors together, and the storages they read, may each take at most
 * {@value #MAX_EXPANSION} times the file's length (at least 1 MiB), which leaves room for tied and expanded weights
 * but not for a tiny file that expands one element, or one deflated storage, into gigabytes. Every failure is a
 * {@link PyTorchCheckpointException} naming the file, the entry or pickle offset, and the problem.
 *
 * <p>Stateless: safe to call from several threads at once.
 */
public final class PyTorchCheckpoints {
    /** Where training scripts keep the model's state dict inside a checkpoint dict, in the order they are tried. */
    public static final List<String> NESTED_KEYS = List.of("state_dict", "model_state_dict", "model");
    /** How much larger than the file the tensors may be, together. */
    static final long MAX_EXPANSION = 16;
    private static final long MIN_BUDGET = 1 << 20;
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    /** A pickle's first opcode, PROTO: how the legacy (pre-zip) format begins. */
    private static final int PICKLE_PROTO = 0x80;

    private PyTorchCheckpoints() {
    }

    /** Whether {@code head}, a file's first bytes, starts a zip archive, as every {@code torch.save} file does. */
    public static boolean isZip(byte[] head) {
        return head.length >= ZIP_MAGIC.length && Arrays.equals(head, 0, ZIP_MAGIC.length, ZIP_MAGIC, 0,
                ZIP_MAGIC.length);
    }

    /** Whether {@code head} starts a bare pickle: the legacy {@code torch.save} format. */
    public static boolean isLegacyPickle(byte[] head) {
        return head.length >= 2 && (head[0] & 0xFF) == PICKLE_PROTO && head[1] >= 2 && head[1] <= 5;
    }

    /** Reads the state dict of {@code path}, found as described on {@link StateDictOptions#DEFAULTS}. */
    public static SafeTensorsFile read(Path path) throws IOException {
        return read(path, StateDictOptions.DEFAULTS);
    }

    /**
     * Reads the state dict of {@code path}. The metadata of the result records {@code format=pytorch},
     * {@code pytorch_format_version}, {@code byteorder} and, when they apply, {@code state_dict_key} and
     * {@code stripped_prefix}.
     */
    public static SafeTensorsFile read(Path path, StateDictOptions options) throws IOException {
        String source = path.toString();
        checkMagic(path, source);
        long fileLength = Files.size(path);
        try (CheckpointArchive archive = CheckpointArchive.open(path)) {
            String version = formatVersion(archive, source);
            boolean bigEndian = bigEndian(archive, source);
            Object root = PickleReader.read(archive.readPickle(), source + ": " + archive.pickleName());
            StateDictSelector.Selection selection = StateDictSelector.select(root, options, source);

            long budget = Math.max(MAX_EXPANSION * fileLength, MIN_BUDGET);
            long total = 0;
            long storageTotal = 0;
            Map<String, byte[]> storages = new HashMap<>();
            Map<String, TensorEntry> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, TensorRef> item : selection.tensors().entrySet()) {
                String name = item.getKey();
                TensorRef tensor = item.getValue();
                if (name.equals(SafeTensorsFile.METADATA_KEY)) {
                    throw new PyTorchCheckpointException(source + ": a tensor named " + name + " cannot be kept");
                }
                total += (long) tensor.elementCount() * tensor.storage().dtype().byteSize();
                if (total > budget) {
                    throw new PyTorchCheckpointException(source + ": the tensors up to '" + name + "' take " + total
                            + " bytes, more than " + MAX_EXPANSION + " times the file's " + fileLength
                            + " (views that repeat their storage's elements that often are not a model's weights)");
                }
                byte[] storage = storages.get(tensor.storage().key());
                if (storage == null) {
                    // A storage is read whole, so it counts too: one element of a deflated entry of zeros, which
                    // expands up to 1032 times, is all a small tensor needs.
                    long length = archive.storageSize(tensor.storage());
                    if (length > budget - storageTotal) {
                        throw new PyTorchCheckpointException(source + ": storage '" + archive.storageName(
                                tensor.storage()) + "' is " + length + " bytes, " + (storageTotal > 0 ? "with the "
                                + storageTotal + " of the storages before it " : "") + "more than this " + fileLength
                                + "-byte file can hold for its tensors (the storages may take " + budget + " bytes: "
                                + MAX_EXPANSION + " times the file's length, at least 1 MiB)");
                    }
                    storageTotal += length;
                    storage = archive.readStorage(tensor.storage());
                    storages.put(tensor.storage().key(), storage);
                }
                tensors.put(name, new TensorEntry(name, tensor.storage().dtype(), tensor.shape(),
                        tensor.contiguousBytes(storage, bigEndian)));
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", "pytorch");
            metadata.put("pytorch_format_version", version);
            metadata.put("byteorder", bigEndian ? "big" : "little");
            if (selection.key() != null) {
                metadata.put("state_dict_key", selection.key());
            }
            if (options.stripPrefix() != null) {
                metadata.put("stripped_prefix", options.stripPrefix());
            }
            return new SafeTensorsFile(source, metadata, tensors);
        }
    }

    private static void checkMagic(Path path, String source) throws IOException {
        if (Files.isDirectory(path)) { // else the read below fails with a bare "Is a directory", naming no path
            throw new PyTorchCheckpointException(source + ": is a directory, not a file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        }
        if (isZip(head)) {
            return;
        }
        if (isLegacyPickle(head)) {
            throw new PyTorchCheckpointException(source + ": a legacy torch.save file (a bare pickle, written by "
                    + "PyTorch before 1.6 or with _use_new_zipfile_serialization=False), which is not read; load it in "
                    + "PyTorch (torch.load(path, weights_only=True) if you do not trust it) and re-save it with "
                    + "torch.save(obj, path, _use_new_zipfile_serialization=True)");
        }
        throw new PyTorchCheckpointException(source + ": not a torch.save checkpoint (a zip archive starts with "
                + "50 4b 03 04, this file with " + (head.length == 0 ? "nothing: it is empty" : HexFormat.ofDelimiter(" ")
                .formatHex(head)) + ")");
    }

    /** The {@code version} record (PyTorch's reader requires it too), a positive integer. */
    private static String formatVersion(CheckpointArchive archive, String source) throws PyTorchCheckpointException {
        String version = archive.textRecord("version");
        if (version == null) {
            version = archive.textRecord(".data/version");
        }
        if (version == null || !version.matches("[1-9][0-9]{0,8}")) {
            throw new PyTorchCheckpointException(source + ": " + (version == null ? "no version record"
                    : "version record '" + version + "' is not a positive integer") + " in the archive");
        }
        return version;
    }

    /** The {@code byteorder} record, written since PyTorch 2.1; without one the storages are little-endian. */
    private static boolean bigEndian(CheckpointArchive archive, String source) throws PyTorchCheckpointException {
        String order = archive.textRecord("byteorder");
        if (order == null || order.equals("little")) {
            return false;
        }
        if (order.equals("big")) {
            return true;
        }
        throw new PyTorchCheckpointException(source + ": byteorder record '" + order + "' is neither 'little' nor 'big'");
    }
}
