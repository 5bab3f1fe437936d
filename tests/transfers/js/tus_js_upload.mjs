// The unmodified tus-js-client (Node) against the orchestrator's /uploads/ endpoint.
// usage: node tus_js_upload.mjs ENDPOINT API_KEY FILE FILE_ID [CHUNK_SIZE]
// Uploads FILE in chunks of CHUNK_SIZE; after the first chunk it aborts and resumes with a fresh Upload
// pointed at the same upload URL (as a restarted client would), so the server's offset decides where it
// continues. Prints one JSON line: {"url", "resumedFrom", "bytesSent"}.
import fs from 'node:fs'
import * as tus from 'tus-js-client'

const [endpoint, apiKey, filePath, fileId, chunkArg] = process.argv.slice(2)
const size = fs.statSync(filePath).size
const chunkSize = Number(chunkArg || Math.max(1, Math.ceil(size / 2)))

function upload(options) {
  return new Promise((resolve, reject) => {
    const u = new tus.Upload(fs.createReadStream(filePath), {
      endpoint,
      headers: { 'X-API-Key': apiKey },
      metadata: { fileId, filename: filePath.split('/').pop() },
      chunkSize,
      retryDelays: [0, 200, 500],
      storeFingerprintForResuming: false,
      ...options,
      onError: reject,
      onSuccess: () => resolve(u),
    })
    if (options.abortAfterFirstChunk) {
      u.options.onChunkComplete = () => {
        u.abort().then(() => resolve(u), reject)
      }
    }
    u.start()
  })
}

let sent = 0
const first = await upload({ abortAfterFirstChunk: true, onProgress: (n) => (sent = n) })
const url = first.url
let resumedFrom = null
const second = await upload({
  uploadUrl: url,
  onProgress: (n) => {
    if (resumedFrom === null) resumedFrom = n
  },
  onUploadUrlAvailable: () => {},
})
process.stdout.write(JSON.stringify({ url: second.url, firstUrl: url, firstSent: sent, resumedFrom }) + '\n')
