#include "CPixelKernels.h"
#include "kernels.h"
#include "pixel_lanes.h"

// Saturation and hue on interleaved 8-bit RGB(A). The AVX2 versions take eight pixels at a
// time and the AVX-512 ones sixteen, spread into one 32-bit lane per pixel and channel; the
// last pixels of a run take the portable path.

enum { SECTOR = 1 << 24, TURN = 6 << 24 };

/// `SECTOR / chroma`, rounded, for chroma 0...255 (0 for 0).
static const int32_t reciprocals[256] = {
    0, 16777216, 8388608, 5592405, 4194304, 3355443, 2796203, 2396745,
    2097152, 1864135, 1677722, 1525201, 1398101, 1290555, 1198373, 1118481,
    1048576, 986895, 932068, 883011, 838861, 798915, 762601, 729444,
    699051, 671089, 645278, 621378, 599186, 578525, 559241, 541201,
    524288, 508400, 493448, 479349, 466034, 453438, 441506, 430185,
    419430, 409200, 399458, 390168, 381300, 372827, 364722, 356962,
    349525, 342392, 335544, 328965, 322639, 316551, 310689, 305040,
    299593, 294337, 289262, 284360, 279620, 275036, 270600, 266305,
    262144, 258111, 254200, 250406, 246724, 243148, 239675, 236299,
    233017, 229825, 226719, 223696, 220753, 217886, 215093, 212370,
    209715, 207126, 204600, 202135, 199729, 197379, 195084, 192842,
    190650, 188508, 186414, 184365, 182361, 180400, 178481, 176602,
    174763, 172961, 171196, 169467, 167772, 166111, 164483, 162886,
    161319, 159783, 158276, 156796, 155345, 153919, 152520, 151146,
    149797, 148471, 147169, 145889, 144631, 143395, 142180, 140985,
    139810, 138655, 137518, 136400, 135300, 134218, 133153, 132104,
    131072, 130056, 129056, 128070, 127100, 126144, 125203, 124276,
    123362, 122461, 121574, 120699, 119837, 118987, 118149, 117323,
    116508, 115705, 114912, 114131, 113360, 112599, 111848, 111107,
    110376, 109655, 108943, 108240, 107546, 106861, 106185, 105517,
    104858, 104206, 103563, 102928, 102300, 101680, 101068, 100462,
    99864, 99273, 98690, 98112, 97542, 96978, 96421, 95870,
    95325, 94787, 94254, 93727, 93207, 92692, 92183, 91679,
    91181, 90688, 90200, 89718, 89241, 88768, 88301, 87839,
    87381, 86929, 86480, 86037, 85598, 85164, 84733, 84308,
    83886, 83469, 83056, 82646, 82241, 81840, 81443, 81049,
    80660, 80274, 79892, 79513, 79138, 78766, 78398, 78034,
    77672, 77314, 76960, 76608, 76260, 75915, 75573, 75234,
    74898, 74565, 74235, 73908, 73584, 73263, 72944, 72629,
    72316, 72005, 71698, 71392, 71090, 70790, 70493, 70198,
    69905, 69615, 69327, 69042, 68759, 68478, 68200, 67924,
    67650, 67378, 67109, 66841, 66576, 66313, 66052, 65793,
};

static void saturation_portable(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, float factor) {
    const float scale = 1.0f / 255.0f;
    for (size_t pixel = 0; pixel < pixels; pixel++, source += channels, target += channels) {
        float red = (float)source[0] * scale, green = (float)source[1] * scale, blue = (float)source[2] * scale;
        float gray = 0.299f * red + 0.587f * green + 0.114f * blue;
        uint8_t alpha = channels == 4 ? source[3] : 0;
        target[0] = pk_round_u8((gray + (red - gray) * factor) * 255.0f);
        target[1] = pk_round_u8((gray + (green - gray) * factor) * 255.0f);
        target[2] = pk_round_u8((gray + (blue - gray) * factor) * 255.0f);
        if (channels == 4) target[3] = alpha;
    }
}

static void hue_turn_portable(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, int32_t shift) {
    // For each sector of the turned hue, which channel holds the largest, middle and smallest value.
    static const uint8_t places[6][3] = {{0, 1, 2}, {1, 0, 2}, {1, 2, 0}, {2, 1, 0}, {2, 0, 1}, {0, 2, 1}};
    for (size_t pixel = 0; pixel < pixels; pixel++, source += channels, target += channels) {
        int32_t red = source[0], green = source[1], blue = source[2];
        int32_t largest = red > green ? red : green, smallest = red < green ? red : green;
        largest = largest > blue ? largest : blue, smallest = smallest < blue ? smallest : blue;
        int32_t chroma = largest - smallest, middle = red + green + blue - largest - smallest;
        // The hue's sector as the Float path finds it: red wins ties, then green.
        int32_t sector = red == largest ? (green >= blue ? 0 : 5) : green == largest ? (blue >= red ? 2 : 1) : (red >= green ? 4 : 3);
        int32_t along = (middle - smallest) * reciprocals[chroma];
        int32_t hue = (sector & 1 ? (sector + 1) * SECTOR - along : sector * SECTOR + along) + shift;
        if (hue >= TURN) hue -= TURN;
        int32_t turned = hue >> 24, fraction = hue & (SECTOR - 1);
        uint32_t rise = (uint32_t)(turned & 1 ? SECTOR - fraction : fraction);
        int32_t new_middle = smallest + (int32_t)(((uint32_t)chroma * rise + SECTOR / 2) >> 24);
        uint8_t alpha = channels == 4 ? source[3] : 0;
        target[places[turned][0]] = (uint8_t)largest;
        target[places[turned][1]] = (uint8_t)new_middle;
        target[places[turned][2]] = (uint8_t)smallest;
        if (channels == 4) target[3] = alpha;
    }
}

#if PK_X86
PK_AVX2 static size_t saturation_avx2(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, float factor) {
    RGBShuffles s = rgb_shuffles();
    const __m256 scale = _mm256_set1_ps(1.0f / 255.0f), weight_red = _mm256_set1_ps(0.299f), weight_green = _mm256_set1_ps(0.587f),
                 weight_blue = _mm256_set1_ps(0.114f), by = _mm256_set1_ps(factor), full = _mm256_set1_ps(255.0f);
    size_t pixel = 0;
    for (; pixel + 8 <= pixels; pixel += 8) {
        Lanes lanes = load_pixels(source + pixel * channels, channels, &s);
        __m256 red = _mm256_mul_ps(_mm256_cvtepi32_ps(lanes.red), scale);
        __m256 green = _mm256_mul_ps(_mm256_cvtepi32_ps(lanes.green), scale);
        __m256 blue = _mm256_mul_ps(_mm256_cvtepi32_ps(lanes.blue), scale);
        __m256 gray = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(weight_red, red), _mm256_mul_ps(weight_green, green)),
                                    _mm256_mul_ps(weight_blue, blue));
        lanes.red = rounded(_mm256_mul_ps(_mm256_add_ps(gray, _mm256_mul_ps(_mm256_sub_ps(red, gray), by)), full));
        lanes.green = rounded(_mm256_mul_ps(_mm256_add_ps(gray, _mm256_mul_ps(_mm256_sub_ps(green, gray), by)), full));
        lanes.blue = rounded(_mm256_mul_ps(_mm256_add_ps(gray, _mm256_mul_ps(_mm256_sub_ps(blue, gray), by)), full));
        store_pixels(target + pixel * channels, channels, lanes, &s);
    }
    return pixel;
}

/// Picks `largest`, `middle` or `smallest` per lane by a code 0, 1 or 2.
PK_AVX2 static inline __m256i pick(__m256i code, __m256i largest, __m256i middle, __m256i smallest) {
    __m256i is_largest = _mm256_cmpeq_epi32(code, _mm256_setzero_si256()), is_middle = _mm256_cmpeq_epi32(code, _mm256_set1_epi32(1));
    return _mm256_blendv_epi8(_mm256_blendv_epi8(smallest, middle, is_middle), largest, is_largest);
}

PK_AVX2 static size_t hue_turn_avx2(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, int32_t shift) {
    RGBShuffles s = rgb_shuffles();
    // Per turned sector, the code (0 largest, 1 middle, 2 smallest) of each output channel.
    const __m256i code_red = _mm256_setr_epi32(0, 1, 2, 2, 1, 0, 0, 0), code_green = _mm256_setr_epi32(1, 0, 0, 1, 2, 2, 0, 0),
                  code_blue = _mm256_setr_epi32(2, 2, 1, 0, 0, 1, 0, 0);
    const __m256i one = _mm256_set1_epi32(1), sector_size = _mm256_set1_epi32(SECTOR), fraction_mask = _mm256_set1_epi32(SECTOR - 1),
                  turn = _mm256_set1_epi32(TURN), last = _mm256_set1_epi32(TURN - 1), shifted = _mm256_set1_epi32(shift),
                  half = _mm256_set1_epi32(SECTOR / 2);
    size_t pixel = 0;
    for (; pixel + 8 <= pixels; pixel += 8) {
        Lanes lanes = load_pixels(source + pixel * channels, channels, &s);
        __m256i red = lanes.red, green = lanes.green, blue = lanes.blue;
        __m256i largest = _mm256_max_epi32(_mm256_max_epi32(red, green), blue);
        __m256i smallest = _mm256_min_epi32(_mm256_min_epi32(red, green), blue);
        __m256i chroma = _mm256_sub_epi32(largest, smallest);
        __m256i middle = _mm256_sub_epi32(_mm256_sub_epi32(_mm256_add_epi32(_mm256_add_epi32(red, green), blue), largest), smallest);
        // Sector: red largest → 0 or 5 (green < blue); green → 2 or 1 (red > blue); else 4 or 3 (green > red).
        __m256i sector_red = _mm256_and_si256(_mm256_cmpgt_epi32(blue, green), _mm256_set1_epi32(5));
        __m256i sector_green = _mm256_add_epi32(_mm256_set1_epi32(2), _mm256_cmpgt_epi32(red, blue));
        __m256i sector_blue = _mm256_add_epi32(_mm256_set1_epi32(4), _mm256_cmpgt_epi32(green, red));
        __m256i sector = _mm256_blendv_epi8(_mm256_blendv_epi8(sector_blue, sector_green, _mm256_cmpeq_epi32(green, largest)),
                                            sector_red, _mm256_cmpeq_epi32(red, largest));
        __m256i along = _mm256_mullo_epi32(_mm256_sub_epi32(middle, smallest), _mm256_i32gather_epi32(reciprocals, chroma, 4));
        __m256i odd = _mm256_cmpeq_epi32(_mm256_and_si256(sector, one), one);
        __m256i hue = _mm256_add_epi32(_mm256_slli_epi32(sector, 24),
                                       _mm256_blendv_epi8(along, _mm256_sub_epi32(sector_size, along), odd));
        hue = _mm256_add_epi32(hue, shifted);
        hue = _mm256_sub_epi32(hue, _mm256_and_si256(_mm256_cmpgt_epi32(hue, last), turn));
        __m256i turned = _mm256_srli_epi32(hue, 24), fraction = _mm256_and_si256(hue, fraction_mask);
        __m256i rise = _mm256_blendv_epi8(fraction, _mm256_sub_epi32(sector_size, fraction),
                                          _mm256_cmpeq_epi32(_mm256_and_si256(turned, one), one));
        __m256i new_middle = _mm256_add_epi32(smallest, _mm256_srli_epi32(_mm256_add_epi32(_mm256_mullo_epi32(chroma, rise), half), 24));
        lanes.red = pick(_mm256_permutevar8x32_epi32(code_red, turned), largest, new_middle, smallest);
        lanes.green = pick(_mm256_permutevar8x32_epi32(code_green, turned), largest, new_middle, smallest);
        lanes.blue = pick(_mm256_permutevar8x32_epi32(code_blue, turned), largest, new_middle, smallest);
        store_pixels(target + pixel * channels, channels, lanes, &s);
    }
    return pixel;
}

/// `saturation_avx2` sixteen pixels at a time.
PK_AVX512 static size_t saturation_avx512(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, float factor) {
    WideShuffles s = wide_shuffles();
    const __m512 scale = _mm512_set1_ps(1.0f / 255.0f), weight_red = _mm512_set1_ps(0.299f), weight_green = _mm512_set1_ps(0.587f),
                 weight_blue = _mm512_set1_ps(0.114f), by = _mm512_set1_ps(factor), full = _mm512_set1_ps(255.0f);
    size_t pixel = 0;
    for (; pixel + 16 <= pixels; pixel += 16) {
        WideLanes lanes = load_wide_pixels(source + pixel * channels, channels, &s);
        __m512 red = _mm512_mul_ps(_mm512_cvtepi32_ps(lanes.red), scale);
        __m512 green = _mm512_mul_ps(_mm512_cvtepi32_ps(lanes.green), scale);
        __m512 blue = _mm512_mul_ps(_mm512_cvtepi32_ps(lanes.blue), scale);
        __m512 gray = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(weight_red, red), _mm512_mul_ps(weight_green, green)),
                                    _mm512_mul_ps(weight_blue, blue));
        lanes.red = rounded_wide(_mm512_mul_ps(_mm512_add_ps(gray, _mm512_mul_ps(_mm512_sub_ps(red, gray), by)), full));
        lanes.green = rounded_wide(_mm512_mul_ps(_mm512_add_ps(gray, _mm512_mul_ps(_mm512_sub_ps(green, gray), by)), full));
        lanes.blue = rounded_wide(_mm512_mul_ps(_mm512_add_ps(gray, _mm512_mul_ps(_mm512_sub_ps(blue, gray), by)), full));
        store_wide_pixels(target + pixel * channels, channels, lanes, &s);
    }
    return pixel;
}

/// `pick` on sixteen lanes.
PK_AVX512 static inline __m512i pick_wide(__m512i code, __m512i largest, __m512i middle, __m512i smallest) {
    __mmask16 is_largest = _mm512_cmpeq_epi32_mask(code, _mm512_setzero_si512()), is_middle = _mm512_cmpeq_epi32_mask(code, _mm512_set1_epi32(1));
    return _mm512_mask_blend_epi32(is_largest, _mm512_mask_blend_epi32(is_middle, smallest, middle), largest);
}

/// `hue_turn_avx2` sixteen pixels at a time, with mask registers for the lane choices.
PK_AVX512 static size_t hue_turn_avx512(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, int32_t shift) {
    WideShuffles s = wide_shuffles();
    const __m512i code_red = _mm512_setr_epi32(0, 1, 2, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                  code_green = _mm512_setr_epi32(1, 0, 0, 1, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                  code_blue = _mm512_setr_epi32(2, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m512i one = _mm512_set1_epi32(1), two = _mm512_set1_epi32(2), four = _mm512_set1_epi32(4), five = _mm512_set1_epi32(5),
                  sector_size = _mm512_set1_epi32(SECTOR), fraction_mask = _mm512_set1_epi32(SECTOR - 1), turn = _mm512_set1_epi32(TURN),
                  last = _mm512_set1_epi32(TURN - 1), shifted = _mm512_set1_epi32(shift), half = _mm512_set1_epi32(SECTOR / 2);
    size_t pixel = 0;
    for (; pixel + 16 <= pixels; pixel += 16) {
        WideLanes lanes = load_wide_pixels(source + pixel * channels, channels, &s);
        __m512i red = lanes.red, green = lanes.green, blue = lanes.blue;
        __m512i largest = _mm512_max_epi32(_mm512_max_epi32(red, green), blue);
        __m512i smallest = _mm512_min_epi32(_mm512_min_epi32(red, green), blue);
        __m512i chroma = _mm512_sub_epi32(largest, smallest);
        __m512i middle = _mm512_sub_epi32(_mm512_sub_epi32(_mm512_add_epi32(_mm512_add_epi32(red, green), blue), largest), smallest);
        __m512i sector_red = _mm512_maskz_mov_epi32(_mm512_cmpgt_epi32_mask(blue, green), five);
        __m512i sector_green = _mm512_mask_sub_epi32(two, _mm512_cmpgt_epi32_mask(red, blue), two, one);
        __m512i sector_blue = _mm512_mask_sub_epi32(four, _mm512_cmpgt_epi32_mask(green, red), four, one);
        __m512i sector = _mm512_mask_blend_epi32(_mm512_cmpeq_epi32_mask(green, largest), sector_blue, sector_green);
        sector = _mm512_mask_blend_epi32(_mm512_cmpeq_epi32_mask(red, largest), sector, sector_red);
        __m512i along = _mm512_mullo_epi32(_mm512_sub_epi32(middle, smallest), _mm512_i32gather_epi32(chroma, reciprocals, 4));
        __mmask16 odd = _mm512_test_epi32_mask(sector, one);
        __m512i hue = _mm512_add_epi32(_mm512_slli_epi32(sector, 24), _mm512_mask_sub_epi32(along, odd, sector_size, along));
        hue = _mm512_add_epi32(hue, shifted);
        hue = _mm512_mask_sub_epi32(hue, _mm512_cmpgt_epi32_mask(hue, last), hue, turn);
        __m512i turned = _mm512_srli_epi32(hue, 24), fraction = _mm512_and_si512(hue, fraction_mask);
        __m512i rise = _mm512_mask_sub_epi32(fraction, _mm512_test_epi32_mask(turned, one), sector_size, fraction);
        __m512i new_middle = _mm512_add_epi32(smallest, _mm512_srli_epi32(_mm512_add_epi32(_mm512_mullo_epi32(chroma, rise), half), 24));
        lanes.red = pick_wide(_mm512_permutexvar_epi32(turned, code_red), largest, new_middle, smallest);
        lanes.green = pick_wide(_mm512_permutexvar_epi32(turned, code_green), largest, new_middle, smallest);
        lanes.blue = pick_wide(_mm512_permutexvar_epi32(turned, code_blue), largest, new_middle, smallest);
        store_wide_pixels(target + pixel * channels, channels, lanes, &s);
    }
    return pixel;
}
#endif

#if PK_X86
/// The level the vector colour kernels run at for RGB(A) rows with `channels` channels here
/// (`PK_LEVEL_PORTABLE` when they do not).
static int colour_level(size_t channels) { return channels == 3 || channels == 4 ? pk_kernel_level() : PK_LEVEL_PORTABLE; }
#endif

void pk_saturation_u8(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, float factor) {
    size_t done = 0;
#if PK_X86
    int level = colour_level(channels);
    if (level >= PK_LEVEL_AVX512) done = saturation_avx512(source, target, pixels, channels, factor);
    if (level >= PK_LEVEL_AVX2) done += saturation_avx2(source + done * channels, target + done * channels, pixels - done, channels, factor);
#endif
    saturation_portable(source + done * channels, target + done * channels, pixels - done, channels, factor);
}

void pk_hue_turn_u8(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, int32_t shift) {
    size_t done = 0;
#if PK_X86
    int level = colour_level(channels);
    if (level >= PK_LEVEL_AVX512) done = hue_turn_avx512(source, target, pixels, channels, shift);
    if (level >= PK_LEVEL_AVX2) done += hue_turn_avx2(source + done * channels, target + done * channels, pixels - done, channels, shift);
#endif
    hue_turn_portable(source + done * channels, target + done * channels, pixels - done, channels, shift);
}
