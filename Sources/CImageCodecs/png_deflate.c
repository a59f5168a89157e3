#include "png_deflate.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

// Deflate (RFC 1951) inside a zlib wrapper (RFC 1950), restricted to what a fast PNG writer
// needs: literals and distance-1 runs, dynamic Huffman blocks, stored blocks.

enum {
    LITLEN_CODES = 286,
    END_OF_BLOCK = 256,
    FIRST_LENGTH_CODE = 257,
    MAX_CODE_BITS = 15,
    CODE_LENGTH_CODES = 19,
    MAX_CODE_LENGTH_BITS = 7,
    MIN_RUN = 3,
    MAX_RUN = 258,
    BLOCK_SYMBOLS = 1 << 16,
    STORED_MAX = 65535,
    RUN_FLAG = 0x100,  // a stored symbol at or above this is a run of (symbol - RUN_FLAG) bytes
};

// Collects bits least significant first, as deflate packs them. After every addition the
// whole bytes go out in one unaligned 8-byte store (the output has slack for it), so there is
// no data-dependent branch per code.
typedef struct {
    uint8_t *next;
    uint64_t bits;
    int count;  // 0-7 between calls
} BitWriter;

static void store_little_endian_64(uint8_t *bytes, uint64_t value) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(bytes, &value, 8);
#else
    for (int i = 0; i < 8; i++) bytes[i] = (uint8_t)(value >> (8 * i));
#endif
}

// Adds `count` (at most 32) bits.
static void put_bits(BitWriter *writer, uint32_t value, int count) {
    writer->bits |= (uint64_t)value << writer->count;
    writer->count += count;
    store_little_endian_64(writer->next, writer->bits);
    int whole = writer->count >> 3;
    writer->next += whole;
    writer->bits >>= 8 * whole;  // whole <= 4: at most 7 + 32 bits were held
    writer->count &= 7;
}

static void flush_to_byte(BitWriter *writer) {
    while (writer->count > 0) {
        *writer->next++ = (uint8_t)writer->bits;
        writer->bits >>= 8;
        writer->count -= 8;
    }
    writer->bits = 0;
    writer->count = 0;
}

// The length code, extra-bit count and extra value of every run length 3...258.
typedef struct {
    uint16_t code[MAX_RUN + 1];
    uint8_t extraBits[MAX_RUN + 1];
    uint8_t extraValue[MAX_RUN + 1];
} LengthTable;

static void fill_length_table(LengthTable *table) {
    static const uint16_t base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const uint8_t extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    for (int code = 0; code < 29; code++) {
        int last = code == 28 ? MAX_RUN : (code == 27 ? 257 : base[code] + (1 << extra[code]) - 1);
        for (int length = base[code]; length <= last; length++) {
            table->code[length] = (uint16_t)(FIRST_LENGTH_CODE + code);
            table->extraBits[length] = extra[code];
            table->extraValue[length] = (uint8_t)(length - base[code]);
        }
    }
}

typedef struct {
    uint32_t weight;
    int symbol;
} HuffmanLeaf;

static int compare_leaves(const void *a, const void *b) {
    const HuffmanLeaf *x = a, *y = b;
    if (x->weight != y->weight) return x->weight < y->weight ? -1 : 1;
    return x->symbol - y->symbol;
}

// Huffman code lengths for weights already in `leaves` (sorted, at least two): the two lightest
// of the leaves and the merged nodes are joined until one tree is left. Returns the longest.
static int huffman_depths(const HuffmanLeaf *leaves, int count, uint8_t *lengths) {
    uint32_t weight[2 * LITLEN_CODES];
    int parent[2 * LITLEN_CODES];
    int nextLeaf = 0, nextNode = count, made = count;
    for (int i = 0; i < count; i++) weight[i] = leaves[i].weight;
    for (int merge = 0; merge < count - 1; merge++) {
        int pick[2];
        for (int k = 0; k < 2; k++) {
            if (nextLeaf < count && (nextNode >= made || weight[nextLeaf] <= weight[nextNode])) pick[k] = nextLeaf++;
            else pick[k] = nextNode++;
        }
        weight[made] = weight[pick[0]] + weight[pick[1]];
        parent[pick[0]] = parent[pick[1]] = made;
        made++;
    }
    int depth[2 * LITLEN_CODES], longest = 0;
    depth[made - 1] = 0;
    for (int node = made - 2; node >= 0; node--) depth[node] = depth[parent[node]] + 1;
    for (int i = 0; i < count; i++) {
        lengths[leaves[i].symbol] = (uint8_t)depth[i];
        if (depth[i] > longest) longest = depth[i];
    }
    return longest;
}

// Code lengths for `count` symbols, none above `limit`. Unused symbols get 0; at least two
// symbols get a code, so every code is complete. Too-long codes are avoided by halving the
// weights and building again (weights stay at least 1, so it ends with a balanced tree).
static void build_lengths(const uint32_t *frequencies, int count, int limit, uint8_t *lengths) {
    HuffmanLeaf leaves[LITLEN_CODES];
    int used = 0;
    memset(lengths, 0, (size_t)count);
    for (int symbol = 0; symbol < count; symbol++) {
        if (frequencies[symbol] > 0) leaves[used++] = (HuffmanLeaf){frequencies[symbol], symbol};
    }
    for (int symbol = 0; used < 2 && symbol < count; symbol++) {
        if (frequencies[symbol] == 0) leaves[used++] = (HuffmanLeaf){1, symbol};
    }
    for (;;) {
        qsort(leaves, (size_t)used, sizeof leaves[0], compare_leaves);
        if (huffman_depths(leaves, used, lengths) <= limit) return;
        for (int i = 0; i < used; i++) leaves[i].weight = (leaves[i].weight >> 1) | 1;
    }
}

// Canonical codes (RFC 1951 3.2.2), bit-reversed because deflate sends codes high bit first.
static void canonical_codes(const uint8_t *lengths, int count, uint16_t *codes) {
    uint16_t perLength[MAX_CODE_BITS + 1] = {0}, next[MAX_CODE_BITS + 1] = {0};
    for (int symbol = 0; symbol < count; symbol++) perLength[lengths[symbol]]++;
    perLength[0] = 0;
    for (int bits = 1, code = 0; bits <= MAX_CODE_BITS; bits++) {
        code = (code + perLength[bits - 1]) << 1;
        next[bits] = (uint16_t)code;
    }
    for (int symbol = 0; symbol < count; symbol++) {
        int length = lengths[symbol];
        if (length == 0) continue;
        uint16_t code = next[length]++, reversed = 0;
        for (int bit = 0; bit < length; bit++) reversed |= (uint16_t)(((code >> bit) & 1) << (length - 1 - bit));
        codes[symbol] = reversed;
    }
}

// The code lengths of both trees as RFC 1951's code-length alphabet: 0-15 as themselves, 16
// repeats the previous length 3-6 times, 17 and 18 give 3-10 and 11-138 zeros.
typedef struct {
    uint8_t symbol[LITLEN_CODES + 32];
    uint8_t extra[LITLEN_CODES + 32];
    int count;
} CodeLengthRuns;

static void emit_code_length(CodeLengthRuns *runs, int symbol, int extra) {
    runs->symbol[runs->count] = (uint8_t)symbol;
    runs->extra[runs->count] = (uint8_t)extra;
    runs->count++;
}

static void encode_code_lengths(const uint8_t *lengths, int total, CodeLengthRuns *runs) {
    runs->count = 0;
    for (int i = 0; i < total;) {
        int value = lengths[i], run = 1;
        while (i + run < total && lengths[i + run] == value) run++;
        i += run;
        if (value == 0) {
            for (; run >= 11; run -= run < 138 ? run : 138) emit_code_length(runs, 18, (run < 138 ? run : 138) - 11);
            if (run >= 3) {
                emit_code_length(runs, 17, run - 3);
                run = 0;
            }
        } else {
            emit_code_length(runs, value, 0);
            run--;
            for (; run >= 3; run -= run < 6 ? run : 6) emit_code_length(runs, 16, (run < 6 ? run : 6) - 3);
        }
        for (; run > 0; run--) emit_code_length(runs, value, 0);
    }
}

// Everything needed to write one dynamic block: both codes and the encoded code lengths.
typedef struct {
    uint8_t litlenLengths[LITLEN_CODES];
    uint16_t litlenCodes[LITLEN_CODES];
    uint8_t distanceLengths[2];
    uint16_t distanceCodes[2];
    uint8_t codeLengthLengths[CODE_LENGTH_CODES];
    uint16_t codeLengthCodes[CODE_LENGTH_CODES];
    CodeLengthRuns runs;
    int litlenCount;
    int codeLengthCount;
    uint64_t bits;  // the block's whole size in bits, header included
} DynamicBlock;

static const uint8_t codeLengthOrder[CODE_LENGTH_CODES] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
                                                            11, 4,  12, 3, 13, 2, 14, 1, 15};

// Extra bits after the code-length symbols 16, 17 and 18.
static const uint8_t codeLengthExtra[CODE_LENGTH_CODES] = {[16] = 2, [17] = 3, [18] = 7};

// One block's input as literals and runs, with what the Huffman code and the size need.
typedef struct {
    uint16_t symbols[BLOCK_SYMBOLS];
    size_t count;
    uint32_t frequencies[LITLEN_CODES];
    uint64_t extraBits;  // of all run lengths
    uint64_t runs;       // each also costs a distance code
} BlockSymbols;

static void plan_dynamic_block(const BlockSymbols *input, DynamicBlock *block) {
    build_lengths(input->frequencies, LITLEN_CODES, MAX_CODE_BITS, block->litlenLengths);
    canonical_codes(block->litlenLengths, LITLEN_CODES, block->litlenCodes);
    // Distance 1 is the only distance; codes 0 and 1 both get one bit so the code is complete.
    block->distanceLengths[0] = block->distanceLengths[1] = 1;
    canonical_codes(block->distanceLengths, 2, block->distanceCodes);
    block->litlenCount = LITLEN_CODES;
    while (block->litlenCount > FIRST_LENGTH_CODE && block->litlenLengths[block->litlenCount - 1] == 0) block->litlenCount--;
    uint8_t allLengths[LITLEN_CODES + 2];
    memcpy(allLengths, block->litlenLengths, (size_t)block->litlenCount);
    memcpy(allLengths + block->litlenCount, block->distanceLengths, 2);
    encode_code_lengths(allLengths, block->litlenCount + 2, &block->runs);
    uint32_t codeLengthFrequencies[CODE_LENGTH_CODES] = {0};
    for (int i = 0; i < block->runs.count; i++) codeLengthFrequencies[block->runs.symbol[i]]++;
    build_lengths(codeLengthFrequencies, CODE_LENGTH_CODES, MAX_CODE_LENGTH_BITS, block->codeLengthLengths);
    canonical_codes(block->codeLengthLengths, CODE_LENGTH_CODES, block->codeLengthCodes);
    block->codeLengthCount = CODE_LENGTH_CODES;
    while (block->codeLengthCount > 4 && block->codeLengthLengths[codeLengthOrder[block->codeLengthCount - 1]] == 0) {
        block->codeLengthCount--;
    }
    uint64_t bits = 3 + 5 + 5 + 4 + 3 * (uint64_t)block->codeLengthCount;
    for (int i = 0; i < block->runs.count; i++) {
        int symbol = block->runs.symbol[i];
        bits += block->codeLengthLengths[symbol] + codeLengthExtra[symbol];
    }
    for (int symbol = 0; symbol < LITLEN_CODES; symbol++) {
        bits += (uint64_t)input->frequencies[symbol] * block->litlenLengths[symbol];
    }
    block->bits = bits + input->extraBits + input->runs * block->distanceLengths[0];
}

static void write_dynamic_block(BitWriter *writer, const DynamicBlock *block, const BlockSymbols *input,
                                const LengthTable *lengths, int final) {
    put_bits(writer, (uint32_t)final | 2u << 1, 3);
    put_bits(writer, (uint32_t)(block->litlenCount - FIRST_LENGTH_CODE), 5);
    put_bits(writer, 2 - 1, 5);
    put_bits(writer, (uint32_t)(block->codeLengthCount - 4), 4);
    for (int i = 0; i < block->codeLengthCount; i++) put_bits(writer, block->codeLengthLengths[codeLengthOrder[i]], 3);
    for (int i = 0; i < block->runs.count; i++) {
        int symbol = block->runs.symbol[i];
        put_bits(writer, block->codeLengthCodes[symbol], block->codeLengthLengths[symbol]);
        if (codeLengthExtra[symbol] > 0) put_bits(writer, block->runs.extra[i], codeLengthExtra[symbol]);
    }
    const uint32_t distanceCode = block->distanceCodes[0];
    const int distanceBits = block->distanceLengths[0];
    for (size_t i = 0; i < input->count; i++) {
        uint16_t symbol = input->symbols[i];
        if (symbol < RUN_FLAG) {
            put_bits(writer, block->litlenCodes[symbol], block->litlenLengths[symbol]);
        } else {
            int run = symbol - RUN_FLAG, code = lengths->code[run], codeBits = block->litlenLengths[code];
            int extraBits = lengths->extraBits[run];
            uint32_t value = block->litlenCodes[code] | (uint32_t)lengths->extraValue[run] << codeBits |
                             distanceCode << (codeBits + extraBits);
            put_bits(writer, value, codeBits + extraBits + distanceBits);
        }
    }
    put_bits(writer, block->litlenCodes[END_OF_BLOCK], block->litlenLengths[END_OF_BLOCK]);
}

// Stored blocks of at most 65535 bytes each; the last carries `final`.
static void write_stored_blocks(BitWriter *writer, const uint8_t *data, size_t size, int final) {
    do {
        size_t length = size < STORED_MAX ? size : STORED_MAX;
        put_bits(writer, (uint32_t)(final && length == size), 3);
        flush_to_byte(writer);
        uint8_t *out = writer->next;
        out[0] = (uint8_t)length;
        out[1] = (uint8_t)(length >> 8);
        out[2] = (uint8_t)~length;
        out[3] = (uint8_t)(~length >> 8);
        memcpy(out + 4, data, length);
        writer->next = out + 4 + length;
        data += length;
        size -= length;
    } while (size > 0);
}

static uint64_t stored_bits(size_t size) {
    size_t blocks = size == 0 ? 1 : (size + STORED_MAX - 1) / STORED_MAX;
    return 8 * ((uint64_t)size + 5 * blocks + 1);
}

// Stored blocks cost 5 bytes per 65535 plus at most one byte of alignment per block, and a
// dynamic block is written only where it is smaller than storing.
size_t png_deflate_bound(size_t size) { return 2 + 4 + size + 6 * (2 * (size / STORED_MAX) + 2) + 32; }

// How many of the first `limit` bytes of `bytes` (at least one) equal `value`.
static size_t run_length(const uint8_t *bytes, uint8_t value, size_t limit) {
    size_t run = 1;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t pattern = value * 0x0101010101010101ull;
    for (; run + 8 <= limit; run += 8) {
        uint64_t word;
        memcpy(&word, bytes + run, 8);
        if (word != pattern) return run + (size_t)(__builtin_ctzll(word ^ pattern) >> 3);
    }
#endif
    while (run < limit && bytes[run] == value) run++;
    return run;
}

// One block's symbols from `input[start...]`: up to BLOCK_SYMBOLS literals and runs. Returns
// where the block ends.
static size_t collect_symbols(const uint8_t *input, size_t size, size_t start, const LengthTable *lengths,
                              BlockSymbols *block) {
    size_t position = start, made = 0;
    memset(block->frequencies, 0, sizeof block->frequencies);
    block->extraBits = block->runs = 0;
    while (position < size && made < BLOCK_SYMBOLS) {
        // A run needs the next three bytes equal to the previous one; testing all three at once
        // keeps the branch predictable where equal neighbours are common but runs are not.
        if (position > 0 && size - position >= MIN_RUN) {
            const uint8_t previous = input[position - 1];
            if (((input[position] ^ previous) | (input[position + 1] ^ previous) | (input[position + 2] ^ previous)) == 0) {
                size_t limit = size - position < MAX_RUN ? size - position : MAX_RUN;
                size_t run = run_length(input + position, previous, limit);
                block->symbols[made++] = (uint16_t)(RUN_FLAG + run);
                block->frequencies[lengths->code[run]]++;
                block->extraBits += lengths->extraBits[run];
                block->runs++;
                position += run;
                continue;
            }
        }
        block->symbols[made++] = input[position];
        block->frequencies[input[position]]++;
        position++;
    }
    block->frequencies[END_OF_BLOCK] = 1;
    block->count = made;
    return position;
}

// The whole input as blocks of literals and runs, each Huffman coded or stored, whichever is
// smaller. Returns 0 when its scratch memory is not available.
static int write_compressed_blocks(BitWriter *writer, const uint8_t *input, size_t size) {
    struct {
        LengthTable lengths;
        BlockSymbols symbols;
        DynamicBlock plan;
    } *scratch = malloc(sizeof *scratch);
    if (scratch == NULL) return 0;
    fill_length_table(&scratch->lengths);
    size_t start = 0;
    do {
        size_t end = collect_symbols(input, size, start, &scratch->lengths, &scratch->symbols);
        int final = end == size;
        plan_dynamic_block(&scratch->symbols, &scratch->plan);
        if (scratch->plan.bits < stored_bits(end - start)) {
            write_dynamic_block(writer, &scratch->plan, &scratch->symbols, &scratch->lengths, final);
        } else {
            write_stored_blocks(writer, input + start, end - start, final);
        }
        start = end;
    } while (start < size);
    free(scratch);
    return 1;
}

size_t png_deflate(const uint8_t *input, size_t size, int storeOnly, uint8_t *output, size_t capacity) {
    if (capacity < png_deflate_bound(size)) return 0;
    output[0] = 0x78;  // deflate, 32 KiB window
    output[1] = 0x01;  // fastest compression, no dictionary; (0x78 << 8 | 0x01) % 31 == 0
    BitWriter writer = {output + 2, 0, 0};
    if (storeOnly) write_stored_blocks(&writer, input, size, 1);
    else if (!write_compressed_blocks(&writer, input, size)) return 0;
    flush_to_byte(&writer);
    uint32_t adler = libdeflate_adler32(1, input, size);
    for (int i = 0; i < 4; i++) writer.next[i] = (uint8_t)(adler >> (24 - 8 * i));
    return (size_t)(writer.next + 4 - output);
}
