//! The global allocator: mimalloc, called through its C interface.

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
    mi_zalloc_aligned,
};
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// mimalloc instead of the system allocator: the linter allocates many small values (the model,
/// the policies' input) from several threads, where glibc's malloc spends much of the time.
/// Built without transparent huge pages (the `no_thp` feature): a huge page is resident whole
/// once touched, and a run that frees each unit's model as it goes kept a quarter more memory
/// resident with them (see the README's dependency table for the figures).
#[global_allocator]
static ALLOCATOR: Mimalloc = Mimalloc;

/// mimalloc's allocation functions, the aligned ones only for an alignment over a word.
///
/// The `mimalloc` crate's allocator calls the aligned functions for every allocation. In
/// mimalloc 3 these take a slow path whenever the free list of the size's page is empty, and
/// over-allocate in a larger block when the block size is not a power of two (mimalloc_rust
/// pull request #170): one allocation in ten of a language-server keystroke did. Every
/// mimalloc block is aligned to a word at least, so the plain functions serve any alignment
/// up to one.
struct Mimalloc;

/// The alignment of every block mimalloc gives.
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each function passes the layout's size (and, over a word, its alignment) to the
// mimalloc function made for it; a block is freed by `mi_free` whatever function gave it.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the impl's.
        unsafe {
            if layout.align() <= WORD {
                mi_malloc(layout.size()).cast()
            } else {
                mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as the impl's.
        unsafe {
            if layout.align() <= WORD {
                mi_zalloc(layout.size()).cast()
            } else {
                mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` was given by one of the functions above.
        unsafe { mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was given by one of the functions above, with `layout`.
        unsafe {
            if layout.align() <= WORD {
                mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `0, 1, 2, ...` into a block.
    unsafe fn fill(p: *mut u8, size: usize) {
        for i in 0..size {
            // SAFETY: the caller's block holds `size` bytes.
            unsafe { p.add(i).write(i as u8) };
        }
    }

    /// Whether a block starts with `0, 1, 2, ...` over `size` bytes.
    unsafe fn filled(p: *const u8, size: usize) -> bool {
        // SAFETY: the caller's block holds `size` bytes.
        (0..size).all(|i| unsafe { p.add(i).read() } == i as u8)
    }

    /// Every alignment is honoured by every function, whichever of mimalloc's functions serves
    /// it; a zeroed block is zero, and a reallocated one keeps its bytes, grown or shrunk.
    #[test]
    fn blocks_have_their_alignment_and_keep_their_bytes() {
        let a = Mimalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 7, 24, 48, 1000, 1040, 5000, 100_000] {
                let size = size.max(align);
                let layout = Layout::from_size_align(size, align).unwrap();
                let aligned = |p: *mut u8| !p.is_null() && (p as usize).is_multiple_of(align);
                // SAFETY: the sizes are not zero; each block is freed once, with its layout.
                unsafe {
                    let zeroed = a.alloc_zeroed(layout);
                    assert!(aligned(zeroed), "alloc_zeroed {size} {align}");
                    assert!(
                        std::slice::from_raw_parts(zeroed, size)
                            .iter()
                            .all(|&b| b == 0)
                    );
                    a.dealloc(zeroed, layout);

                    let p = a.alloc(layout);
                    assert!(aligned(p), "alloc {size} {align}");
                    fill(p, size);
                    let grown = a.realloc(p, layout, size * 3);
                    assert!(aligned(grown), "realloc {size} {align} to {}", size * 3);
                    assert!(filled(grown, size));
                    let grown_layout = Layout::from_size_align(size * 3, align).unwrap();
                    let half = size.div_ceil(2).max(align);
                    let shrunk = a.realloc(grown, grown_layout, half);
                    assert!(aligned(shrunk), "realloc {size} {align} to {half}");
                    assert!(filled(shrunk, half.min(size)));
                    a.dealloc(shrunk, Layout::from_size_align(half, align).unwrap());
                }
            }
        }
    }
}
