// Schema version 5: cameras, video files, tracks and derived media (issue 4).
// A track is not stored: it is the files of one camera ordered by their corrected start
// (electron/core/media/placement/tracks.ts computes gaps and overlaps on read), so a change
// of camera offset or zone never leaves a stale copy behind.
import type { Migration } from '../migrations'

export const v5Video: Migration = {
  version: 5,
  description: 'cameras, video files, tracks and derived media (issue 4)',
  sql: `
    -- One row per camera. The offset is stored here and applied on read: originals and
    -- their recorded raw starts never change. identified_by says how files were grouped.
    CREATE TABLE camera (
      id INTEGER PRIMARY KEY,
      key TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      time_zone TEXT,
      clock_offset_us INTEGER NOT NULL DEFAULT 0,
      offset_method TEXT NOT NULL DEFAULT 'none' CHECK (offset_method IN ('none', 'manual', 'calibration', 'import')),
      offset_notes TEXT NOT NULL DEFAULT '',
      identified_by TEXT NOT NULL,
      created_us INTEGER NOT NULL
    );

    -- One row per video evidence file: what the probe found, and where it starts.
    -- raw_start_us is what the chosen source said (UTC, before the camera offset);
    -- start_us is the corrected start (raw + offset when offset_applied). Both NULL while
    -- the file is unplaced (start_method 'unplaced', with unplaced_reason).
    CREATE TABLE video_file (
      id INTEGER PRIMARY KEY,
      evidence_id INTEGER NOT NULL UNIQUE REFERENCES evidence(id),
      camera_id INTEGER NOT NULL REFERENCES camera(id),
      container TEXT NOT NULL,
      demuxer TEXT NOT NULL,
      video_codec TEXT NOT NULL,
      audio_codecs TEXT NOT NULL DEFAULT '[]',
      width INTEGER NOT NULL,
      height INTEGER NOT NULL,
      fps_num INTEGER,
      fps_den INTEGER,
      duration_us INTEGER,
      keyframe_count INTEGER NOT NULL,
      playback_mode TEXT NOT NULL CHECK (playback_mode IN ('remux', 'transcode')),
      start_us INTEGER,
      raw_start_us INTEGER,
      offset_applied INTEGER NOT NULL DEFAULT 1,
      start_method TEXT NOT NULL CHECK (start_method IN ('creation-time', 'stream-timestamps', 'file-name', 'sidecar', 'manual', 'unplaced')),
      start_detail TEXT NOT NULL DEFAULT '',
      unplaced_reason TEXT,
      -- What decideStart was given (creation_time, stream epoch, file-name reading, sidecar,
      -- manual entry) so a zone or offset change re-decides from the same facts.
      placement_inputs TEXT NOT NULL DEFAULT '{}',
      placement TEXT NOT NULL DEFAULT '{}',
      -- The probe (keyframes, first frame time, container start) the HLS plan is built from.
      probe TEXT NOT NULL,
      imported_us INTEGER NOT NULL,
      examiner TEXT NOT NULL
    );
    CREATE INDEX video_file_by_camera ON video_file(camera_id, start_us);

    -- Every file ffmpeg (or we) wrote under derived/: traceable by hash to its source.
    CREATE TABLE derived_media (
      id INTEGER PRIMARY KEY,
      path TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      size INTEGER NOT NULL,
      ffmpeg_version TEXT NOT NULL,
      args TEXT NOT NULL,
      source_evidence_id INTEGER NOT NULL REFERENCES evidence(id),
      source_sha256 TEXT NOT NULL,
      created_us INTEGER NOT NULL
    );

    -- Which camera sees which door. 'suggested' rows come from name matching and wait
    -- for the investigator to confirm or change them.
    CREATE TABLE door_camera (
      door TEXT PRIMARY KEY,
      camera_id INTEGER REFERENCES camera(id),
      status TEXT NOT NULL CHECK (status IN ('suggested', 'confirmed')),
      reason TEXT NOT NULL DEFAULT '',
      updated_us INTEGER NOT NULL
    );
  `
}
