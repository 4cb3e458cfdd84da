package loader

import "sync"

// The image cache: a seed sweep or an exploration runs the same program on
// thousands of machines, one after the other or on several goroutines at
// once, and each execve would parse the same bytes again (debug/elf's
// NewFile and the checks of Load: about 40 allocations a program). Load is
// a function of the file's bytes and the limit alone but for the name in
// its errors, so a successful Image can be kept by content and handed to
// every caller: an Image is never modified once made (the kernel copies
// its segments into frames), which is what makes sharing it safe.

// Cache bounds: beyond them the cache starts again empty, so that a long
// process that loads many programs (a fuzzer, say) keeps at most this much.
const (
	cacheMaxImages = 64
	cacheMaxBytes  = 64 << 20 // the files' bytes, held as the keys
)

// imageCache holds the images Load made from files it was given, by the
// files' bytes.
var imageCache struct {
	sync.Mutex
	images map[string]cachedImage
	bytes  int
}

type cachedImage struct {
	limit uint64
	img   *Image
}

// LoadShared is Load, with the Image shared between the calls that load the
// same bytes with the same limit (from any goroutine): the caller must not
// modify it. Errors are not kept: they name the file.
func LoadShared(name string, data []byte, limit uint64) (*Image, error) {
	imageCache.Lock()
	c, ok := imageCache.images[string(data)]
	imageCache.Unlock()
	if ok && c.limit == limit {
		return c.img, nil
	}
	img, err := Load(name, data, limit)
	if err != nil || len(data) > cacheMaxBytes {
		return img, err
	}
	imageCache.Lock()
	defer imageCache.Unlock()
	if imageCache.images == nil || len(imageCache.images) >= cacheMaxImages || imageCache.bytes+len(data) > cacheMaxBytes {
		imageCache.images, imageCache.bytes = map[string]cachedImage{}, 0
	}
	c, ok = imageCache.images[string(data)]
	if ok && c.limit == limit {
		return c.img, nil // another goroutine parsed the same bytes meanwhile: its Image is the one shared
	}
	if !ok {
		imageCache.bytes += len(data)
	}
	imageCache.images[string(data)] = cachedImage{limit: limit, img: img}
	return img, nil
}
