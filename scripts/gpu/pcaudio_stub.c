/* A stand-in for libpcaudio.so.0 on a machine with no sound server (the lent GPU machines).
 * libespeak-ng links pcaudio for playback, which Speech Studio never uses (it takes audio from espeak's
 * synthesis callback), and the real pcaudio pulls in ALSA and PulseAudio, which those machines lack.
 * Every call reports that there is no audio device. */
#include <stddef.h>
#include <stdint.h>
struct audio_object;
struct audio_object *create_audio_device_object(const char *d, const char *a, const char *n) { return NULL; }
int audio_object_open(struct audio_object *o, int f, uint32_t r, uint8_t c) { return -1; }
void audio_object_close(struct audio_object *o) {}
void audio_object_destroy(struct audio_object *o) {}
int audio_object_write(struct audio_object *o, const void *d, size_t b) { return -1; }
int audio_object_drain(struct audio_object *o) { return 0; }
int audio_object_flush(struct audio_object *o) { return 0; }
const char *audio_object_strerror(struct audio_object *o, int e) { return "no audio device"; }
