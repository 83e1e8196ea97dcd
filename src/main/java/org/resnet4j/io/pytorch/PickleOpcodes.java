package org.resnet4j.io.pytorch;

/**
 * The pickle opcodes (Python's {@code pickletools} names and bytes). {@link PickleReader} interprets the ones a
 * {@code torch.save} state dict uses, protocols 2 to 5; every opcode has a name here only so that a refusal can say
 * which one it met.
 */
final class PickleOpcodes {
    static final int MARK = '(';
    static final int STOP = '.';
    static final int POP = '0';
    static final int POP_MARK = '1';
    static final int NONE = 'N';
    static final int BININT = 'J';
    static final int BININT1 = 'K';
    static final int BININT2 = 'M';
    static final int BINFLOAT = 'G';
    static final int BINUNICODE = 'X';
    static final int BINPERSID = 'Q';
    static final int REDUCE = 'R';
    static final int APPEND = 'a';
    static final int APPENDS = 'e';
    static final int BUILD = 'b';
    static final int GLOBAL = 'c';
    static final int DICT = 'd';
    static final int EMPTY_DICT = '}';
    static final int BINGET = 'h';
    static final int LONG_BINGET = 'j';
    static final int LIST = 'l';
    static final int EMPTY_LIST = ']';
    static final int BINPUT = 'q';
    static final int LONG_BINPUT = 'r';
    static final int SETITEM = 's';
    static final int SETITEMS = 'u';
    static final int TUPLE = 't';
    static final int EMPTY_TUPLE = ')';
    static final int PROTO = 0x80;
    static final int TUPLE1 = 0x85;
    static final int TUPLE2 = 0x86;
    static final int TUPLE3 = 0x87;
    static final int NEWTRUE = 0x88;
    static final int NEWFALSE = 0x89;
    static final int LONG1 = 0x8a;
    static final int SHORT_BINUNICODE = 0x8c;
    static final int BINUNICODE8 = 0x8d;
    static final int STACK_GLOBAL = 0x93;
    static final int MEMOIZE = 0x94;
    static final int FRAME = 0x95;

    private static final String[] NAMES = new String[256];

    static {
        String table = """
                ( MARK|. STOP|0 POP|1 POP_MARK|2 DUP|F FLOAT|I INT|J BININT|K BININT1|L LONG|M BININT2|N NONE|\
                P PERSID|Q BINPERSID|R REDUCE|S STRING|T BINSTRING|U SHORT_BINSTRING|V UNICODE|X BINUNICODE|\
                a APPEND|b BUILD|c GLOBAL|d DICT|} EMPTY_DICT|e APPENDS|g GET|h BINGET|i INST|j LONG_BINGET|l LIST|\
                ] EMPTY_LIST|o OBJ|p PUT|q BINPUT|r LONG_BINPUT|s SETITEM|t TUPLE|) EMPTY_TUPLE|u SETITEMS|G BINFLOAT|\
                B BINBYTES|C SHORT_BINBYTES""";
        for (String pair : table.split("\\|")) {
            NAMES[pair.charAt(0)] = pair.substring(2);
        }
        String[] high = {"PROTO", "NEWOBJ", "EXT1", "EXT2", "EXT4", "TUPLE1", "TUPLE2", "TUPLE3", "NEWTRUE", "NEWFALSE",
                "LONG1", "LONG4", "SHORT_BINUNICODE", "BINUNICODE8", "BINBYTES8", "EMPTY_SET", "ADDITEMS", "FROZENSET",
                "NEWOBJ_EX", "STACK_GLOBAL", "MEMOIZE", "FRAME", "BYTEARRAY8", "NEXT_BUFFER", "READONLY_BUFFER"};
        for (int i = 0; i < high.length; i++) {
            NAMES[PROTO + i] = high[i];
        }
    }

    private PickleOpcodes() {
    }

    /** {@code "NAME (0xNN)"}, or {@code "0xNN"} for a byte that is no opcode at all. */
    static String describe(int opcode) {
        String hex = String.format("0x%02x", opcode);
        return NAMES[opcode] == null ? "byte " + hex + " (not a pickle opcode)" : NAMES[opcode] + " (" + hex + ")";
    }
}
